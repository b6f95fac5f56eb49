// Speed of the crypto core against OpenSSL used directly over the same bytes, in the same run.
// SM3 and SM4 wrap OpenSSL, so their ratios should stay close to 1.0 (well above means the
// wrapper copies or allocates too much). SM2 signing and verification are eseal's own arithmetic
// (crypto/sm2_curve.h; goals: signing 20 times OpenSSL's speed, verification 5 times): the
// message forms include Z and SM3, the digest forms are the arithmetic alone, and "ColdKey"
// verifies under 200 keys in turn, too many for the per-key tables. Prints "ratio" lines after
// the benchmark table.
#include <benchmark/benchmark.h>
#include <openssl/evp.h>

#include <vector>

#include "crypto/digest.h"
#include "crypto/sm2.h"
#include "crypto/sm4.h"
#include "ratio_reporter.h"

namespace {

using namespace eseal;

const Bytes& document() {
  static const Bytes doc(8 << 20, 0x5A);  // 8 MiB, a typical signed PDF
  return doc;
}

void BM_Sm3_Eseal(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(crypto::sm3(document()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * document().size()));
}

void BM_Sm3_OpenSSL(benchmark::State& state) {
  unsigned char out[32];
  unsigned int len = 0;
  for (auto _ : state) {
    EVP_Digest(document().data(), document().size(), out, &len, EVP_sm3(), nullptr);
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * document().size()));
}

void BM_Sm4Cbc_Eseal(benchmark::State& state) {
  Bytes key(16, 1), iv(16, 2);
  for (auto _ : state) benchmark::DoNotOptimize(crypto::sm4_cbc_encrypt(key, iv, document()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * document().size()));
}

void BM_Sm4Cbc_OpenSSL(benchmark::State& state) {
  Bytes key(16, 1), iv(16, 2), out(document().size() + 16);
  for (auto _ : state) {
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    int n = 0, tail = 0;
    EVP_EncryptInit_ex(ctx, EVP_sm4_cbc(), nullptr, key.data(), iv.data());
    EVP_EncryptUpdate(ctx, out.data(), &n, document().data(), static_cast<int>(document().size()));
    EVP_EncryptFinal_ex(ctx, out.data() + n, &tail);
    EVP_CIPHER_CTX_free(ctx);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * document().size()));
}

const crypto::Sm2PrivateKey& key() {
  static const crypto::Sm2PrivateKey k = *crypto::Sm2PrivateKey::generate();
  return k;
}

const Bytes kMessage = to_bytes("SES_Signature TBS_Sign: 32 bytes of document digest");

void BM_Sm2Sign_Eseal(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(crypto::sm2_sign(key(), kMessage));
}

// OpenSSL's own SM3withSM2 with the ID set, the way its documentation shows.
void BM_Sm2Sign_OpenSSL(benchmark::State& state) {
  unsigned char sig[80];
  for (auto _ : state) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX* pctx = nullptr;
    EVP_DigestSignInit_ex(ctx, &pctx, "SM3", nullptr, nullptr, key().native(), nullptr);
    EVP_PKEY_CTX_set1_id(pctx, "1234567812345678", 16);
    size_t len = sizeof sig;
    EVP_DigestSign(ctx, sig, &len, kMessage.data(), kMessage.size());
    EVP_MD_CTX_free(ctx);
    benchmark::DoNotOptimize(sig);
  }
}

void BM_Sm2Verify_Eseal(benchmark::State& state) {
  Bytes sig = *crypto::sm2_sign(key(), kMessage);
  auto pub = key().public_key();
  for (auto _ : state) benchmark::DoNotOptimize(crypto::sm2_verify(pub, kMessage, sig));
}

void BM_Sm2Verify_OpenSSL(benchmark::State& state) {
  Bytes sig = *crypto::sm2_sign(key(), kMessage);
  auto pub = key().public_key();
  for (auto _ : state) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX* pctx = nullptr;
    EVP_DigestVerifyInit_ex(ctx, &pctx, "SM3", nullptr, nullptr, pub.native(), nullptr);
    EVP_PKEY_CTX_set1_id(pctx, "1234567812345678", 16);
    benchmark::DoNotOptimize(
        EVP_DigestVerify(ctx, sig.data(), sig.size(), kMessage.data(), kMessage.size()));
    EVP_MD_CTX_free(ctx);
  }
}

const Bytes& digest() {
  static const Bytes e = *crypto::sm2_signing_digest(key().public_key(), kMessage);
  return e;
}

void BM_Sm2SignDigest_Eseal(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(crypto::sm2_sign_digest(key(), digest()));
}

void BM_Sm2SignDigest_OpenSSL(benchmark::State& state) {
  unsigned char sig[80];
  for (auto _ : state) {
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_pkey(nullptr, key().native(), nullptr);
    EVP_PKEY_sign_init(ctx);
    size_t len = sizeof sig;
    EVP_PKEY_sign(ctx, sig, &len, digest().data(), digest().size());
    EVP_PKEY_CTX_free(ctx);
    benchmark::DoNotOptimize(sig);
  }
}

void BM_Sm2VerifyDigest_Eseal(benchmark::State& state) {
  Bytes sig = *crypto::sm2_sign_digest(key(), digest());
  auto pub = key().public_key();
  for (auto _ : state) benchmark::DoNotOptimize(crypto::sm2_verify_digest(pub, digest(), sig));
}

int openssl_verify_digest(EVP_PKEY* key, const Bytes& e, const Bytes& sig) {
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr);
  EVP_PKEY_verify_init(ctx);
  int rc = EVP_PKEY_verify(ctx, sig.data(), sig.size(), e.data(), e.size());
  EVP_PKEY_CTX_free(ctx);
  return rc;
}

void BM_Sm2VerifyDigest_OpenSSL(benchmark::State& state) {
  Bytes sig = *crypto::sm2_sign_digest(key(), digest());
  for (auto _ : state) {
    benchmark::DoNotOptimize(openssl_verify_digest(key().native(), digest(), sig));
  }
}

// 200 keys, each with a signature of digest().
struct ManyKeys {
  std::vector<crypto::Sm2PublicKey> keys;
  std::vector<Bytes> signatures;
};

const ManyKeys& many_keys() {
  static const ManyKeys many = [] {
    ManyKeys out;
    for (int i = 0; i < 200; ++i) {
      auto k = *crypto::Sm2PrivateKey::generate();
      out.keys.push_back(k.public_key());
      out.signatures.push_back(*crypto::sm2_sign_digest(k, digest()));
    }
    return out;
  }();
  return many;
}

void BM_Sm2VerifyDigestColdKey_Eseal(benchmark::State& state) {
  const auto& many = many_keys();
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(crypto::sm2_verify_digest(many.keys[i], digest(), many.signatures[i]));
    i = (i + 1) % many.keys.size();
  }
}

void BM_Sm2VerifyDigestColdKey_OpenSSL(benchmark::State& state) {
  const auto& many = many_keys();
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        openssl_verify_digest(many.keys[i].native(), digest(), many.signatures[i]));
    i = (i + 1) % many.keys.size();
  }
}

BENCHMARK(BM_Sm3_Eseal)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Sm3_OpenSSL)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Sm4Cbc_Eseal)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Sm4Cbc_OpenSSL)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Sm2Sign_Eseal)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Sm2Sign_OpenSSL)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Sm2Verify_Eseal)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Sm2Verify_OpenSSL)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Sm2SignDigest_Eseal)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Sm2SignDigest_OpenSSL)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Sm2VerifyDigest_Eseal)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Sm2VerifyDigest_OpenSSL)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Sm2VerifyDigestColdKey_Eseal)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Sm2VerifyDigestColdKey_OpenSSL)->Unit(benchmark::kMicrosecond);

}  // namespace

int main(int argc, char** argv) {
  return eseal::bench::run_with_ratios(argc, argv, "OpenSSL");
}
