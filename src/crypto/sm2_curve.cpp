#include "crypto/sm2_curve.h"

#include <openssl/crypto.h>
#include <pthread.h>
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#endif
#if defined(__x86_64__)
#include <x86intrin.h>
#endif

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <span>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "crypto/random.h"
#include "crypto/secure_buffer.h"

namespace eseal::crypto::sm2_curve {
namespace {

using u64 = std::uint64_t;
__extension__ typedef unsigned __int128 u128;
// A 256-bit number, least significant limb first.
using Limbs = std::array<u64, 4>;

// ---- Constant-time helpers -------------------------------------------------------------------

// All ones when `bit` (0 or 1) is 1.
constexpr u64 mask_of(u64 bit) {
  return 0 - bit;
}
// 1 when x is 0.
constexpr u64 zero_bit(u64 x) {
  return ((x | (0 - x)) >> 63) ^ 1;
}
constexpr u64 limbs_zero_bit(const Limbs& a) {
  return zero_bit(a[0] | a[1] | a[2] | a[3]);
}
constexpr Limbs select(u64 mask, const Limbs& if_set, const Limbs& otherwise) {
  return {(if_set[0] & mask) | (otherwise[0] & ~mask), (if_set[1] & mask) | (otherwise[1] & ~mask),
          (if_set[2] & mask) | (otherwise[2] & ~mask), (if_set[3] & mask) | (otherwise[3] & ~mask)};
}

// ---- Arithmetic modulo an odd 256-bit m with the top bit set ---------------------------------

// out = a + b + carry (carry 0 or 1); returns the carry out. On x86-64 the compiler's intrinsic
// keeps the chain in the carry flag, which GCC does not manage from 128-bit additions.
constexpr unsigned char add_carry(unsigned char carry, u64 a, u64 b, u64& out) {
#if defined(__x86_64__)
  if (!std::is_constant_evaluated()) {
    unsigned long long sum;
    carry = _addcarry_u64(carry, a, b, &sum);
    out = sum;
    return carry;
  }
#endif
  const u128 sum = static_cast<u128>(a) + b + carry;
  out = static_cast<u64>(sum);
  return static_cast<unsigned char>(sum >> 64);
}

constexpr unsigned char sub_borrow(unsigned char borrow, u64 a, u64 b, u64& out) {
#if defined(__x86_64__)
  if (!std::is_constant_evaluated()) {
    unsigned long long difference;
    borrow = _subborrow_u64(borrow, a, b, &difference);
    out = difference;
    return borrow;
  }
#endif
  const u128 difference = static_cast<u128>(a) - b - borrow;
  out = static_cast<u64>(difference);
  return static_cast<unsigned char>((difference >> 64) & 1);
}

// a + b mod m, for a, b < m.
constexpr Limbs mod_add(const Limbs& a, const Limbs& b, const Limbs& m) {
  Limbs sum{}, diff{};
  unsigned char carry = 0, borrow = 0;
#pragma GCC unroll 4
  for (int i = 0; i < 4; ++i) carry = add_carry(carry, a[i], b[i], sum[i]);
#pragma GCC unroll 4
  for (int i = 0; i < 4; ++i) borrow = sub_borrow(borrow, sum[i], m[i], diff[i]);
  // The sum stays when it is below m: no carry out of it, and m could not be taken from it.
  return select(mask_of(borrow & (carry ^ 1)), sum, diff);
}

// a - b mod m, for a, b < m.
constexpr Limbs mod_sub(const Limbs& a, const Limbs& b, const Limbs& m) {
  Limbs d{};
  unsigned char borrow = 0, carry = 0;
#pragma GCC unroll 4
  for (int i = 0; i < 4; ++i) borrow = sub_borrow(borrow, a[i], b[i], d[i]);
  const u64 add = mask_of(borrow);
#pragma GCC unroll 4
  for (int i = 0; i < 4; ++i) carry = add_carry(carry, d[i], m[i] & add, d[i]);
  return d;
}

// (a + top 2^256) mod m for a + top 2^256 < 2m (top 0 or 1): m is taken away unless that
// borrows beyond top.
constexpr Limbs reduce_once(const Limbs& a, const Limbs& m, u64 top = 0) {
  Limbs d{};
  unsigned char borrow = 0;
#pragma GCC unroll 4
  for (int i = 0; i < 4; ++i) borrow = sub_borrow(borrow, a[i], m[i], d[i]);
  return select(mask_of(borrow & (top ^ 1)), a, d);
}

struct Modulus {
  Limbs m;
  u64 m0_inverse;  // -m^-1 mod 2^64
  Limbs one;       // R = 2^256 mod m: 1 in Montgomery form
  Limbs r2;        // R^2 mod m: turns a number into Montgomery form
};

constexpr Modulus make_modulus(const Limbs& m) {
  Modulus out{m, 0, {}, {}};
  u64 inverse = 1;  // m[0]^-1 mod 2^64 by Newton's iteration, each step doubling the bits
  for (int i = 0; i < 6; ++i) inverse *= 2 - m[0] * inverse;
  out.m0_inverse = 0 - inverse;
  Limbs x{1, 0, 0, 0};
  for (int i = 0; i < 256; ++i) x = mod_add(x, x, m);
  out.one = x;
  for (int i = 0; i < 256; ++i) x = mod_add(x, x, m);
  out.r2 = x;
  return out;
}

// t[0..5] += x * y[0..3], t[5] taking the carries out of t[4].
inline void multiply_add(u64 (&t)[6], u64 x, const Limbs& y) {
  u64 low[4], high[4];
#pragma GCC unroll 4
  for (int j = 0; j < 4; ++j) {
    const u128 product = static_cast<u128>(x) * y[j];
    low[j] = static_cast<u64>(product);
    high[j] = static_cast<u64>(product >> 64);
  }
  unsigned char c = add_carry(0, t[0], low[0], t[0]);
  c = add_carry(c, t[1], low[1], t[1]);
  c = add_carry(c, t[2], low[2], t[2]);
  c = add_carry(c, t[3], low[3], t[3]);
  c = add_carry(c, t[4], 0, t[4]);
  t[5] += c;
  c = add_carry(0, t[1], high[0], t[1]);
  c = add_carry(c, t[2], high[1], t[2]);
  c = add_carry(c, t[3], high[2], t[3]);
  c = add_carry(c, t[4], high[3], t[4]);
  t[5] += c;
}

// a * b * R^-1 mod m (coarsely integrated Montgomery multiplication), for a, b < m.
template <const Modulus& M>
inline Limbs mont_mul(const Limbs& a, const Limbs& b) {
  u64 t[6] = {0, 0, 0, 0, 0, 0};
#pragma GCC unroll 4
  for (int i = 0; i < 4; ++i) {
    multiply_add(t, b[i], a);
    // Adding q m makes t[0] zero; then one limb down.
    multiply_add(t, t[0] * M.m0_inverse, M.m);
    t[0] = t[1];
    t[1] = t[2];
    t[2] = t[3];
    t[3] = t[4];
    t[4] = t[5];
    t[5] = 0;
  }
  return reduce_once({t[0], t[1], t[2], t[3]}, M.m, t[4]);  // t < 2m
}

// a^2 * R^-1 mod m, for a < m: the 512-bit square first (six cross products, doubled, and four
// squares: ten multiplications instead of sixteen), then Montgomery's reduction of it.
template <const Modulus& M>
inline Limbs mont_sqr(const Limbs& a) {
  u64 t[8] = {0, 0, 0, 0, 0, 0, 0, 0};
#pragma GCC unroll 3
  for (int i = 0; i < 3; ++i) {
    u64 carry = 0;
#pragma GCC unroll 3
    for (int j = i + 1; j < 4; ++j) {
      const u128 p = static_cast<u128>(a[i]) * a[j] + t[i + j] + carry;
      t[i + j] = static_cast<u64>(p);
      carry = static_cast<u64>(p >> 64);
    }
    t[i + 4] = carry;
  }
  t[7] = t[6] >> 63;
#pragma GCC unroll 5
  for (int i = 6; i > 1; --i) t[i] = (t[i] << 1) | (t[i - 1] >> 63);
  t[1] <<= 1;
  unsigned char c = 0;
#pragma GCC unroll 4
  for (int i = 0; i < 4; ++i) {
    const u128 square = static_cast<u128>(a[i]) * a[i];
    c = add_carry(c, t[2 * i], static_cast<u64>(square), t[2 * i]);
    c = add_carry(c, t[2 * i + 1], static_cast<u64>(square >> 64), t[2 * i + 1]);
  }
  // Reduction: four times, add q m to make the lowest limb zero. Carries run to the top, and
  // one bit may go beyond it.
  u64 top = 0;
#pragma GCC unroll 4
  for (int i = 0; i < 4; ++i) {
    const u64 q = t[i] * M.m0_inverse;
    u64 low[4], high[4];
#pragma GCC unroll 4
    for (int j = 0; j < 4; ++j) {
      const u128 product = static_cast<u128>(q) * M.m[j];
      low[j] = static_cast<u64>(product);
      high[j] = static_cast<u64>(product >> 64);
    }
    c = add_carry(0, t[i], low[0], t[i]);
    c = add_carry(c, t[i + 1], low[1], t[i + 1]);
    c = add_carry(c, t[i + 2], low[2], t[i + 2]);
    c = add_carry(c, t[i + 3], low[3], t[i + 3]);
#pragma GCC unroll 4
    for (int k = i + 4; k < 8; ++k) c = add_carry(c, t[k], 0, t[k]);
    top += c;
    c = add_carry(0, t[i + 1], high[0], t[i + 1]);
    c = add_carry(c, t[i + 2], high[1], t[i + 2]);
    c = add_carry(c, t[i + 3], high[2], t[i + 3]);
    c = add_carry(c, t[i + 4], high[3], t[i + 4]);
#pragma GCC unroll 3
    for (int k = i + 5; k < 8; ++k) c = add_carry(c, t[k], 0, t[k]);
    top += c;
  }
  return reduce_once({t[4], t[5], t[6], t[7]}, M.m, top);
}

// The SM2 prime p and group order n (GB/T 32918.5).
constexpr Modulus kP =
    make_modulus({0xFFFFFFFFFFFFFFFF, 0xFFFFFFFF00000000, 0xFFFFFFFFFFFFFFFF, 0xFFFFFFFEFFFFFFFF});
constexpr Modulus kN =
    make_modulus({0x53BBF40939D54123, 0x7203DF6B21C6052B, 0xFFFFFFFFFFFFFFFF, 0xFFFFFFFEFFFFFFFF});

// ---- The field GF(p), elements in Montgomery form --------------------------------------------

inline Limbs fmul(const Limbs& a, const Limbs& b) {
  return mont_mul<kP>(a, b);
}
inline Limbs fsqr(const Limbs& a) {
  return mont_sqr<kP>(a);
}
inline Limbs fadd(const Limbs& a, const Limbs& b) {
  return mod_add(a, b, kP.m);
}
inline Limbs fsub(const Limbs& a, const Limbs& b) {
  return mod_sub(a, b, kP.m);
}
inline Limbs fsqr_times(Limbs a, int times) {
  while (times-- > 0) a = fsqr(a);
  return a;
}
template <const Modulus& M>
inline Limbs to_mont(const Limbs& a) {
  return mont_mul<M>(a, M.r2);
}
template <const Modulus& M>
inline Limbs from_mont(const Limbs& a) {
  return mont_mul<M>(a, Limbs{1, 0, 0, 0});
}

// a^(p-2) = a^-1 (0 for 0), along a fixed chain: the same steps whatever a is. p - 2 is, from
// the top: 31 ones, a zero, 128 ones, 32 zeros, 32 ones, 30 ones, a zero and a one.
Limbs finv(const Limbs& a) {
  const Limbs x2 = fmul(fsqr(a), a);
  const Limbs x3 = fmul(fsqr(x2), a);
  const Limbs x6 = fmul(fsqr_times(x3, 3), x3);
  const Limbs x12 = fmul(fsqr_times(x6, 6), x6);
  const Limbs x15 = fmul(fsqr_times(x12, 3), x3);
  const Limbs x30 = fmul(fsqr_times(x15, 15), x15);
  const Limbs x31 = fmul(fsqr(x30), a);
  const Limbs x32 = fmul(fsqr(x31), a);
  Limbs t = fsqr(x31);
  for (int i = 0; i < 4; ++i) t = fmul(fsqr_times(t, 32), x32);
  t = fsqr_times(t, 32);
  t = fmul(fsqr_times(t, 32), x32);
  t = fmul(fsqr_times(t, 30), x30);
  return fmul(fsqr_times(t, 2), a);
}

// ---- Scalars modulo n ------------------------------------------------------------------------

inline Limbs nmul(const Limbs& a, const Limbs& b) {
  return mont_mul<kN>(a, b);
}

// a^(n-2) = a^-1 for a in Montgomery form; the exponent is public, so is the sequence of steps.
Limbs ninv(const Limbs& a) {
  Limbs e = kN.m;
  e[0] -= 2;
  Limbs r = kN.one;
  for (int i = 255; i >= 0; --i) {
    r = nmul(r, r);
    if ((e[i / 64] >> (i % 64)) & 1) r = nmul(r, a);
  }
  return r;
}

Limbs from_bytes(const std::uint8_t* in) {
  Limbs out{};
  for (int i = 0; i < 4; ++i) {
    u64 v = 0;
    for (int j = 0; j < 8; ++j) v = (v << 8) | in[8 * (3 - i) + j];
    out[i] = v;
  }
  return out;
}

void to_bytes(const Limbs& a, std::uint8_t* out) {
  for (int i = 0; i < 4; ++i) {
    for (int j = 0; j < 8; ++j)
      out[8 * (3 - i) + j] = static_cast<std::uint8_t>(a[i] >> (56 - 8 * j));
  }
}

// a < b, for public values.
bool less(const Limbs& a, const Limbs& b) {
  for (int i = 3; i >= 0; --i) {
    if (a[i] != b[i]) return a[i] < b[i];
  }
  return false;
}

bool is_zero(const Limbs& a) {
  return (a[0] | a[1] | a[2] | a[3]) == 0;
}

// 1 when a is in [1, n-1], in constant time.
u64 in_scalar_range(const Limbs& a) {
  u64 borrow = 0;
  for (int i = 0; i < 4; ++i) {
    u128 t = static_cast<u128>(a[i]) - kN.m[i] - borrow;
    borrow = static_cast<u64>(t >> 64) & 1;
  }
  return borrow & (limbs_zero_bit(a) ^ 1);
}

// ---- Points ----------------------------------------------------------------------------------

// Jacobian coordinates (X/Z^2, Y/Z^3), Montgomery form; Z = 0 is the point at infinity.
struct Jacobian {
  Limbs x, y, z;
};
struct Affine {
  Limbs x, y;
};

constexpr Limbs kB = {0xDDBCBD414D940E93, 0xF39789F515AB8F92, 0x4D5A9E4BCF6509A7,
                      0x28E9FA9E9D9F5E34};
constexpr Limbs kGx = {0x715A4589334C74C7, 0x8FE30BBFF2660BE1, 0x5F9904466A39C994,
                       0x32C4AE2C1F198119};
constexpr Limbs kGy = {0x02DF32E52139F0A0, 0xD0A9877CC62A4740, 0x59BDCEE36B692153,
                       0xBC3736A2F4F6779C};

Jacobian infinity() {
  return {kP.one, kP.one, {0, 0, 0, 0}};
}

Jacobian select(u64 mask, const Jacobian& if_set, const Jacobian& otherwise) {
  return {select(mask, if_set.x, otherwise.x), select(mask, if_set.y, otherwise.y),
          select(mask, if_set.z, otherwise.z)};
}

// 2P for a = -3 ("dbl-2001-b": 3M + 5S); infinity stays infinity.
Jacobian dbl(const Jacobian& p) {
  const Limbs delta = fsqr(p.z);
  const Limbs gamma = fsqr(p.y);
  const Limbs beta = fmul(p.x, gamma);
  Limbs alpha = fmul(fsub(p.x, delta), fadd(p.x, delta));
  alpha = fadd(fadd(alpha, alpha), alpha);
  Limbs beta4 = fadd(beta, beta);
  beta4 = fadd(beta4, beta4);
  Jacobian r;
  r.x = fsub(fsqr(alpha), fadd(beta4, beta4));
  r.z = fsub(fsub(fsqr(fadd(p.y, p.z)), gamma), delta);
  Limbs gamma8 = fsqr(gamma);
  gamma8 = fadd(gamma8, gamma8);
  gamma8 = fadd(gamma8, gamma8);
  gamma8 = fadd(gamma8, gamma8);
  r.y = fsub(fmul(alpha, fsub(beta4, r.x)), gamma8);
  return r;
}

// The sum of Jacobian p and affine q ("madd-2007-bl": 7M + 4S), with h = U2 - X1 and
// r = 2(S2 - Y1) handed back: both zero means p = q, which this formula cannot add.
Jacobian madd_formula(const Jacobian& p, const Affine& q, Limbs& h, Limbs& r) {
  const Limbs z1z1 = fsqr(p.z);
  const Limbs u2 = fmul(q.x, z1z1);
  const Limbs s2 = fmul(q.y, fmul(p.z, z1z1));
  h = fsub(u2, p.x);
  const Limbs hh = fsqr(h);
  Limbs i = fadd(hh, hh);
  i = fadd(i, i);
  const Limbs j = fmul(h, i);
  r = fsub(s2, p.y);
  r = fadd(r, r);
  const Limbs v = fmul(p.x, i);
  Jacobian out;
  out.x = fsub(fsub(fsub(fsqr(r), j), v), v);
  const Limbs y1j = fmul(p.y, j);
  out.y = fsub(fmul(r, fsub(v, out.x)), fadd(y1j, y1j));
  out.z = fsub(fsub(fsqr(fadd(p.z, h)), z1z1), hh);
  return out;
}

// p + q in constant time, q affine and absent when `q_absent` (all ones). Sets `degenerate`
// (all ones) when p = q, both present: the result is then wrong and the caller starts again.
Jacobian madd_ct(const Jacobian& p, const Affine& q, u64 q_absent, u64& degenerate) {
  Limbs h, r;
  Jacobian sum = madd_formula(p, q, h, r);
  const u64 p_absent = mask_of(limbs_zero_bit(p.z));
  degenerate |= mask_of(limbs_zero_bit(h) & limbs_zero_bit(r)) & ~p_absent & ~q_absent;
  sum = select(p_absent, Jacobian{q.x, q.y, kP.one}, sum);
  return select(q_absent, p, sum);
}

// p + q, variable time, every case.
Jacobian madd_vt(const Jacobian& p, const Affine& q) {
  if (is_zero(p.z)) return {q.x, q.y, kP.one};
  Limbs h, r;
  Jacobian sum = madd_formula(p, q, h, r);
  if (is_zero(h)) return is_zero(r) ? dbl(p) : infinity();
  return sum;
}

// p + q, variable time, every case ("add-2007-bl": 11M + 5S).
Jacobian add_vt(const Jacobian& p, const Jacobian& q) {
  if (is_zero(p.z)) return q;
  if (is_zero(q.z)) return p;
  const Limbs z1z1 = fsqr(p.z), z2z2 = fsqr(q.z);
  const Limbs u1 = fmul(p.x, z2z2), u2 = fmul(q.x, z1z1);
  const Limbs s1 = fmul(fmul(p.y, q.z), z2z2), s2 = fmul(fmul(q.y, p.z), z1z1);
  const Limbs h = fsub(u2, u1);
  Limbs r = fsub(s2, s1);
  if (is_zero(h)) return is_zero(r) ? dbl(p) : infinity();
  const Limbs i = fsqr(fadd(h, h));
  const Limbs j = fmul(h, i);
  r = fadd(r, r);
  const Limbs v = fmul(u1, i);
  Jacobian out;
  out.x = fsub(fsub(fsub(fsqr(r), j), v), v);
  const Limbs s1j = fmul(s1, j);
  out.y = fsub(fmul(r, fsub(v, out.x)), fadd(s1j, s1j));
  out.z = fmul(fsub(fsub(fsqr(fadd(p.z, q.z)), z1z1), z2z2), h);
  return out;
}

Jacobian negate(const Jacobian& p) {
  return {p.x, fsub(Limbs{}, p.y), p.z};
}

// Each point's Z^-1, with one inversion for all of them (Montgomery's trick). None may be at
// infinity. The same steps whatever the points are.
std::vector<Limbs> z_inverses(const std::vector<Jacobian>& points) {
  std::vector<Limbs> out(points.size());
  Limbs running = kP.one;
  for (std::size_t i = 0; i < points.size(); ++i) {
    out[i] = running;  // the product of the Zs before this one
    running = fmul(running, points[i].z);
  }
  Limbs inverse = finv(running);
  for (std::size_t i = points.size(); i-- > 0;) {
    out[i] = fmul(inverse, out[i]);
    inverse = fmul(inverse, points[i].z);
  }
  return out;
}

// Many points to affine.
std::vector<Affine> to_affine(const std::vector<Jacobian>& points) {
  const std::vector<Limbs> inverses = z_inverses(points);
  std::vector<Affine> out(points.size());
  for (std::size_t i = 0; i < points.size(); ++i) {
    const Limbs zz = fsqr(inverses[i]);
    out[i] = {fmul(points[i].x, zz), fmul(points[i].y, fmul(zz, inverses[i]))};
  }
  return out;
}

// ---- Tables of multiples and signed windows --------------------------------------------------
//
// A scalar k < 2^256 is written as sum d_i 2^(6i) over 43 windows with digits d_i in [-32, 32]
// (Booth's recoding: each digit reads 7 bits, overlapping its neighbour by one). A table holds
// j 2^(6i) P for j = 1..32 in every window i, so that kP is 43 additions and no doubling.

constexpr int kWindowBits = 6;
constexpr int kWindows = 43;
constexpr int kEntries = 32;
using Table = std::vector<Affine>;  // kWindows rows of kEntries

Table make_table(const Affine& p) {
  std::vector<Jacobian> points(kWindows * kEntries);
  Jacobian base{p.x, p.y, kP.one};
  for (int w = 0; w < kWindows; ++w) {
    Jacobian* row = &points[static_cast<std::size_t>(w) * kEntries];
    row[0] = base;
    row[1] = dbl(base);
    for (int j = 2; j < kEntries; ++j) row[j] = add_vt(row[j - 1], base);
    base = dbl(row[kEntries - 1]);
  }
  return to_affine(points);
}

const Affine kG = {to_mont<kP>(kGx), to_mont<kP>(kGy)};

const Table& g_table() {
  static const Table table = make_table(kG);
  return table;
}

// Window i's digit of k: its magnitude (0..32) and whether it is negative (1 or 0). Which bits
// are read depends on i alone.
void booth_digit(const Limbs& k, int i, u64& magnitude, u64& negative) {
  const int start = kWindowBits * i - 1;  // bit -1 reads as 0
  u64 v;
  if (start < 0) {
    v = k[0] << 1;
  } else {
    const int limb = start / 64, shift = start % 64;
    v = k[limb] >> shift;
    if (shift > 64 - (kWindowBits + 1) && limb < 3) v |= k[limb + 1] << (64 - shift);
  }
  v &= (1u << (kWindowBits + 1)) - 1;
  const u64 half = (v + 1) >> 1;  // 0..64
  negative = v >> kWindowBits;
  // |half - 64 negative|, without a branch.
  magnitude = half + negative * (2 * kEntries - 2 * half);
}

// All ones when a = b (both below 2^63).
u64 equal_mask(u64 a, u64 b) {
  return mask_of(zero_bit(a ^ b));
}

// Row entry `magnitude` (1..32; 0 selects nothing), reading every entry of the row.
Affine lookup_ct(const Affine* row, u64 magnitude) {
#if defined(__x86_64__)
  // Two limbs at a time: an entry is four 16-byte lanes.
  __m128i lanes[4] = {_mm_setzero_si128(), _mm_setzero_si128(), _mm_setzero_si128(),
                      _mm_setzero_si128()};
  for (u64 j = 0; j < kEntries; ++j) {
    const __m128i m = _mm_set1_epi64x(static_cast<long long>(equal_mask(j + 1, magnitude)));
    const auto* entry = reinterpret_cast<const __m128i*>(&row[j]);
#pragma GCC unroll 4
    for (int l = 0; l < 4; ++l) {
      lanes[l] = _mm_or_si128(lanes[l], _mm_and_si128(_mm_loadu_si128(entry + l), m));
    }
  }
  Affine out;
  static_assert(sizeof out == sizeof lanes);
  std::memcpy(&out, lanes, sizeof out);
  return out;
#else
  Affine out{};
  for (u64 j = 0; j < kEntries; ++j) {
    const u64 m = equal_mask(j + 1, magnitude);
    for (int l = 0; l < 4; ++l) {
      out.x[l] |= row[j].x[l] & m;
      out.y[l] |= row[j].y[l] & m;
    }
  }
  return out;
#endif
}

// kG in constant time for a secret k; `degenerate` as for madd_ct.
Jacobian mul_base_ct(const Limbs& k, u64& degenerate) {
  const Table& table = g_table();
  Jacobian acc = infinity();
  for (int i = 0; i < kWindows; ++i) {
    u64 magnitude, negative;
    booth_digit(k, i, magnitude, negative);
    Affine q = lookup_ct(&table[static_cast<std::size_t>(i) * kEntries], magnitude);
    q.y = select(mask_of(negative), fsub(Limbs{}, q.y), q.y);
    acc = madd_ct(acc, q, mask_of(zero_bit(magnitude)), degenerate);
  }
  return acc;
}

// acc + kP for public k and P's table, variable time.
Jacobian add_multiple_vt(Jacobian acc, const Table& table, const Limbs& k) {
  for (int i = 0; i < kWindows; ++i) {
    u64 magnitude, negative;
    booth_digit(k, i, magnitude, negative);
    if (magnitude == 0) continue;
    Affine q = table[static_cast<std::size_t>(i) * kEntries + magnitude - 1];
    if (negative) q.y = fsub(Limbs{}, q.y);
    acc = madd_vt(acc, q);
  }
  return acc;
}

// kP for public k and a point without a table: width-5 NAF, variable time.
Jacobian mul_vt(const Affine& p, Limbs k) {
  std::array<int, 257> naf{};
  int top = -1;
  for (int i = 0; !is_zero(k); ++i) {
    if (k[0] & 1) {
      int d = static_cast<int>(k[0] & 31);
      if (d >= 16) d -= 32;
      naf[i] = d;
      // k -= d, borrowing or carrying along the limbs.
      u64 sub = static_cast<u64>(d >= 0 ? d : -d);
      if (d >= 0) {
        for (int l = 0; l < 4 && sub; ++l) {
          const u64 before = k[l];
          k[l] -= sub;
          sub = before < sub ? 1 : 0;
        }
      } else {
        for (int l = 0; l < 4 && sub; ++l) {
          k[l] += sub;
          sub = k[l] < sub ? 1 : 0;
        }
      }
    }
    top = i;
    for (int l = 0; l < 3; ++l) k[l] = (k[l] >> 1) | (k[l + 1] << 63);
    k[3] >>= 1;
  }
  std::array<Jacobian, 8> odd;  // P, 3P, ..., 15P
  odd[0] = {p.x, p.y, kP.one};
  const Jacobian twice = dbl(odd[0]);
  for (int j = 1; j < 8; ++j) odd[j] = add_vt(odd[j - 1], twice);
  Jacobian acc = infinity();
  for (int i = top; i >= 0; --i) {
    acc = dbl(acc);
    if (naf[i] > 0) acc = add_vt(acc, odd[naf[i] / 2]);
    if (naf[i] < 0) acc = add_vt(acc, negate(odd[-naf[i] / 2]));
  }
  return acc;
}

// ---- Public keys' tables ---------------------------------------------------------------------

// A table for each point seen verifying at least twice, up to kKeysWithTables of them (then the
// cache starts again empty): one table costs about four verifications to make and saves most of
// the rest of each.
constexpr std::size_t kKeysWithTables = 64;

std::shared_ptr<const Table> table_for(const std::array<std::uint8_t, 64>& encoded,
                                       const Affine& point) {
  struct Entry {
    unsigned uses = 0;
    std::shared_ptr<const Table> table;
  };
  static std::mutex mutex;
  static std::unordered_map<std::string, Entry> entries;
  const std::string key(encoded.begin(), encoded.end());
  {
    std::lock_guard lock(mutex);
    auto it = entries.find(key);
    if (it == entries.end()) {
      if (entries.size() >= kKeysWithTables) entries.clear();
      entries[key].uses = 1;
      return nullptr;
    }
    if (it->second.table) return it->second.table;
  }
  auto table = std::make_shared<const Table>(make_table(point));
  std::lock_guard lock(mutex);
  entries[key].table = table;
  return table;
}

Affine affine_of(const Jacobian& p) {
  const Limbs z_inverse = finv(p.z);
  const Limbs zz = fsqr(z_inverse);
  return {fmul(p.x, zz), fmul(p.y, fmul(zz, z_inverse))};
}

void wipe(void* p, std::size_t size) {
  OPENSSL_cleanse(p, size);
}

// Secrets as valgrind's memcheck sees them: marked undefined, so that a branch or a memory
// address that depends on one is reported (tests/crypto/sm2_constant_time.cpp signs so); what is
// published — whether a k was refused, r and s — is marked defined again before it is used.
// Outside valgrind these do nothing.
void classify([[maybe_unused]] const void* p, [[maybe_unused]] std::size_t size) {
#if __has_include(<valgrind/memcheck.h>)
  VALGRIND_MAKE_MEM_UNDEFINED(p, size);
#endif
}

void declassify([[maybe_unused]] const void* p, [[maybe_unused]] std::size_t size) {
#if __has_include(<valgrind/memcheck.h>)
  VALGRIND_MAKE_MEM_DEFINED(p, size);
#endif
}

// The low bit of `bit`, published: for a branch on whether a secret was usable.
bool published(u64 bit) {
  declassify(&bit, sizeof bit);
  return bit & 1;
}

}  // namespace

// ---- Signing ---------------------------------------------------------------------------------

struct SigningKey::Secret {
  Limbs d;           // Montgomery form modulo n
  Limbs d1_inverse;  // (1 + d)^-1, Montgomery form modulo n
  ~Secret() { wipe(this, sizeof *this); }
};

std::optional<SigningKey> SigningKey::from_scalar(ByteView d) {
  if (d.size() != 32) return std::nullopt;
  Limbs value = from_bytes(d.data());
  Limbs n_minus_1 = kN.m;
  n_minus_1[0] -= 1;
  const bool usable = !is_zero(value) && less(value, n_minus_1);
  classify(&value, sizeof value);
  auto secret = std::make_shared<Secret>();
  secret->d = to_mont<kN>(value);
  secret->d1_inverse = ninv(mod_add(kN.one, secret->d, kN.m));
  wipe(&value, sizeof value);
  if (!usable) return std::nullopt;
  return SigningKey(std::move(secret));
}

// A nonce k in [1, n-1] and x1 = x(kG) mod n.
struct detail::Nonce {
  Limbs k;
  Limbs x1;
};

namespace {

using detail::Nonce;

// x(P) mod n for each point, with one inversion for all of them.
void set_x1(const std::vector<Jacobian>& points, Nonce* out) {
  std::vector<Limbs> inverses = z_inverses(points);
  for (std::size_t i = 0; i < points.size(); ++i) {
    out[i].x1 = reduce_once(from_mont<kP>(fmul(points[i].x, fsqr(inverses[i]))), kN.m);
  }
  wipe(inverses.data(), inverses.size() * sizeof(Limbs));
}

// Nonces made ahead, kNonceBatch at a time so that one inversion serves them all; each is taken
// once and wiped as it is. The pool is dropped in a child process: a forked copy must never
// sign with its parent's nonces.
class NoncePool {
 public:
  NoncePool() {
    static std::once_flag registered;
    std::call_once(registered, [] { ::pthread_atfork(nullptr, nullptr, [] { ++forks_; }); });
  }

  Result<Nonce> take() {
    std::unique_lock lock(mutex_);
    if (const unsigned forks = forks_; forks != forks_seen_) {
      wipe(ready_.data(), ready_.size() * sizeof(Nonce));
      ready_.clear();
      forks_seen_ = forks;
    }
    if (ready_.empty()) {
      lock.unlock();
      auto batch = make_batch();
      if (!batch) return batch.error();
      lock.lock();
      ready_.insert(ready_.end(), batch->begin(), batch->end());
      wipe(batch->data(), batch->size() * sizeof(Nonce));
    }
    Nonce out = ready_.back();
    wipe(&ready_.back(), sizeof(Nonce));
    ready_.pop_back();
    return out;
  }

 private:
  static constexpr std::size_t kNonceBatch = 32;
  using Nonces = std::vector<Nonce, WipingAllocator<Nonce>>;

  static Result<Nonces> make_batch() {
    Nonces batch(kNonceBatch);
    std::vector<Jacobian> points(kNonceBatch);
    // The random bytes for the whole batch at once; a k refused (k >= n, or a degenerate sum:
    // both about 2^-32 likely) is drawn again alone.
    SecureBytes bytes(32 * kNonceBatch);
    if (Status s = fill_random(bytes); !s) return s.error();
    classify(bytes.data(), bytes.size());
    for (std::size_t i = 0; i < kNonceBatch; ++i) {
      std::uint8_t* drawn = bytes.data() + 32 * i;
      for (;;) {
        batch[i].k = from_bytes(drawn);
        u64 degenerate = 0;
        points[i] = mul_base_ct(batch[i].k, degenerate);
        if (published(in_scalar_range(batch[i].k) & ((degenerate & 1) ^ 1))) break;
        if (Status s = fill_random(std::span(drawn, 32)); !s) return s.error();
        classify(drawn, 32);
      }
    }
    set_x1(points, batch.data());
    wipe(points.data(), points.size() * sizeof(Jacobian));
    return batch;
  }

  // Children forked so far (a fork handler counts them in the child).
  static inline std::atomic<unsigned> forks_ = 0;
  std::mutex mutex_;
  Nonces ready_;
  unsigned forks_seen_ = 0;
};

}  // namespace

std::optional<Signature> SigningKey::sign(ByteView e, const Nonce& nonce) const {
  // r = (e + x1) mod n; e < 2^256 < 2n.
  const Limbs r = mod_add(reduce_once(from_bytes(e.data()), kN.m), nonce.x1, kN.m);
  // s = (1 + d)^-1 (k - r d) mod n.
  Limbs k_mont = to_mont<kN>(nonce.k);
  const Limbs r_mont = to_mont<kN>(r);
  const Limbs s =
      from_mont<kN>(nmul(secret_->d1_inverse, mod_sub(k_mont, nmul(r_mont, secret_->d), kN.m)));
  // r + k = n would make s = (1 + d)^-1 (k + k d) = k: it would give k away.
  const Limbs r_plus_k = mod_add(r, nonce.k, kN.m);
  const u64 refused = limbs_zero_bit(r) | limbs_zero_bit(r_plus_k) | limbs_zero_bit(s);
  wipe(&k_mont, sizeof k_mont);
  if (published(refused)) return std::nullopt;
  Signature out;
  to_bytes(r, out.data());
  to_bytes(s, out.data() + 32);
  declassify(out.data(), out.size());
  return out;
}

std::optional<Signature> SigningKey::sign_with(ByteView e, ByteView k) const {
  if (e.size() != 32 || k.size() != 32) return std::nullopt;
  std::vector<Jacobian> point(1);
  Nonce nonce{from_bytes(k.data()), {}};
  u64 degenerate = 0;
  point[0] = mul_base_ct(nonce.k, degenerate);
  std::optional<Signature> out;
  if (published(in_scalar_range(nonce.k) & ((degenerate & 1) ^ 1))) {
    set_x1(point, &nonce);
    out = sign(e, nonce);
  }
  wipe(&nonce, sizeof nonce);
  wipe(point.data(), sizeof(Jacobian));
  return out;
}

Result<Signature> SigningKey::sign(ByteView e) const {
  if (e.size() != 32) return Error::invalid_input("SM2 digest must be 32 bytes");
  static NoncePool pool;
  for (;;) {
    auto nonce = pool.take();
    if (!nonce) return nonce.error();
    auto signature = sign(e, *nonce);
    wipe(&*nonce, sizeof(Nonce));
    if (signature) return *signature;
  }
}

// ---- Verifying -------------------------------------------------------------------------------

std::optional<VerifyingKey> VerifyingKey::from_point(ByteView point) {
  if (point.size() == 65 && point[0] == 0x04) point = point.subspan(1);
  if (point.size() != 64) return std::nullopt;
  const Limbs x = from_bytes(point.data()), y = from_bytes(point.data() + 32);
  if (!less(x, kP.m) || !less(y, kP.m)) return std::nullopt;
  const Limbs xm = to_mont<kP>(x), ym = to_mont<kP>(y);
  // y^2 = x^3 - 3x + b
  Limbs rhs = fmul(fsqr(xm), xm);
  const Limbs three_x = fadd(fadd(xm, xm), xm);
  rhs = fadd(fsub(rhs, three_x), to_mont<kP>(kB));
  if (fsqr(ym) != rhs) return std::nullopt;
  VerifyingKey key;
  std::copy(xm.begin(), xm.end(), key.point_.begin());
  std::copy(ym.begin(), ym.end(), key.point_.begin() + 4);
  std::copy(point.begin(), point.end(), key.encoded_.begin());
  return key;
}

bool VerifyingKey::verify(ByteView e, ByteView r_bytes, ByteView s_bytes) const {
  if (e.size() != 32 || r_bytes.size() != 32 || s_bytes.size() != 32) return false;
  const Limbs r = from_bytes(r_bytes.data()), s = from_bytes(s_bytes.data());
  if (!in_scalar_range(r) || !in_scalar_range(s)) return false;
  const Limbs t = mod_add(r, s, kN.m);
  if (is_zero(t)) return false;
  Affine p;
  std::copy(point_.begin(), point_.begin() + 4, p.x.begin());
  std::copy(point_.begin() + 4, point_.end(), p.y.begin());
  // (x1, y1) = sG + tP
  Jacobian sum;
  if (auto table = table_for(encoded_, p)) {
    sum = add_multiple_vt(infinity(), *table, t);
  } else {
    sum = mul_vt(p, t);
  }
  sum = add_multiple_vt(sum, g_table(), s);
  if (is_zero(sum.z)) return false;
  // (e + x1) mod n = r, with x1 = X / Z^2 < p < 2n: x1 is r - e mod n, or that plus n.
  const Limbs c = mod_sub(r, reduce_once(from_bytes(e.data()), kN.m), kN.m);
  const Limbs zz = fsqr(sum.z);
  if (fmul(to_mont<kP>(c), zz) == sum.x) return true;
  Limbs c_plus_n{};
  u64 carry = 0;
  for (int i = 0; i < 4; ++i) {
    u128 x = static_cast<u128>(c[i]) + kN.m[i] + carry;
    c_plus_n[i] = static_cast<u64>(x);
    carry = static_cast<u64>(x >> 64);
  }
  return carry == 0 && less(c_plus_n, kP.m) && fmul(to_mont<kP>(c_plus_n), zz) == sum.x;
}

std::optional<Coordinates> mul_base(ByteView k) {
  if (k.size() != 32) return std::nullopt;
  const Limbs scalar = from_bytes(k.data());
  if (!in_scalar_range(scalar)) return std::nullopt;
  u64 degenerate = 0;
  Jacobian point = mul_base_ct(scalar, degenerate);
  if (degenerate) point = add_multiple_vt(infinity(), g_table(), scalar);
  const Affine a = affine_of(point);
  Coordinates out;
  to_bytes(from_mont<kP>(a.x), out.data());
  to_bytes(from_mont<kP>(a.y), out.data() + 32);
  return out;
}

}  // namespace eseal::crypto::sm2_curve
