// SM2/SM3 for the phone page and the client half of two-party SM2 (the same engine as
// src/cosign/two_party.{h,cpp}, family A: (1 + d)^-1 = d1·d2, three-nonce signing, Schnorr
// proofs of knowledge at key generation; docs COSIGN_TSA_NOTES §1). Curve arithmetic is
// @noble/curves' short Weierstrass engine with the sm2p256v1 parameters (GB/T 32918.5), SM3 is
// sm-crypto's; secret scalars come from crypto.getRandomValues. Every point from the server is
// decoded with validation (on the curve, not infinity) and every degenerate value refused.
import { weierstrass } from '@noble/curves/abstract/weierstrass.js';
import sm3Hex from 'sm-crypto/src/sm3/index.js';

const p = 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn;
export const CURVE = Object.freeze({
  p,
  n: 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n,
  h: 1n,
  a: p - 3n,
  b: 0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n,
  Gx: 0x32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7n,
  Gy: 0xbc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0n,
});
export const Point = weierstrass(CURVE);
const n = CURVE.n;
const G = Point.BASE;

export const DEFAULT_ID = '1234567812345678';
export const SCHEME = 'sm2-2p-inv-3n';
const PROOF_LABEL = 'eseal-cosign-pok';

// --- bytes ----------------------------------------------------------------------------------

const encoder = new TextEncoder();
export const utf8 = (text) => encoder.encode(text);

export function concat(...parts) {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export const toHex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

export function fromHex(hex) {
  if (hex.length % 2 || /[^0-9a-f]/i.test(hex)) throw new Error('not hex');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

export function toBase64(bytes) {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(text);
}

// Standard base64 only; throws on anything else (the server's fields must decode).
export function fromBase64(text) {
  if (typeof text !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw new Error('not base64');
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

export function equalBytes(a, b) {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

export const sm3 = (bytes) => fromHex(sm3Hex(bytes));

// --- scalars --------------------------------------------------------------------------------

const bytesToBig = (bytes) => (bytes.length ? BigInt('0x' + toHex(bytes)) : 0n);
export const bigToBytes = (x) => fromHex(x.toString(16).padStart(64, '0'));
const mod = (x) => ((x % n) + n) % n;
const inverse = (x) => Point.Fn.inv(x);

// SM3 output or any 32 bytes read as a number, reduced mod n (sm2::reduce).
export const reduce = (bytes) => mod(bytesToBig(bytes));

// A 32-byte scalar in [1, n-1] (sm2::scalar); throws otherwise.
export function scalarOf(bytes, what) {
  if (bytes.length !== 32) throw new Error(`${what} is ${bytes.length} bytes, not 32`);
  const x = bytesToBig(bytes);
  if (x === 0n || x >= n) throw new Error(`${what} is not in [1, n-1]`);
  return x;
}

// A uniformly random scalar in [1, n-1], drawn again when out of range.
export function randomScalar() {
  for (;;) {
    const x = bytesToBig(crypto.getRandomValues(new Uint8Array(32)));
    if (x !== 0n && x < n) return x;
  }
}

// --- points ---------------------------------------------------------------------------------

// 04 ‖ x ‖ y, validated (sm2::point); throws otherwise.
export function pointOf(bytes, what) {
  if (bytes.length !== 65 || bytes[0] !== 4) throw new Error(`${what} is not an uncompressed point`);
  try {
    const point = Point.fromBytes(bytes);
    point.assertValidity();
    return point;
  } catch {
    throw new Error(`${what} is not on the SM2 curve`);
  }
}

export const pointBytes = (point) => point.toBytes(false);

// --- SM2 signatures (GB/T 32918.2) ----------------------------------------------------------

// Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA).
export function zValue(publicPoint, id = DEFAULT_ID) {
  const idBytes = utf8(id);
  const bits = idBytes.length * 8;
  return sm3(
    concat(
      new Uint8Array([bits >> 8, bits & 0xff]),
      idBytes,
      bigToBytes(CURVE.a),
      bigToBytes(CURVE.b),
      bigToBytes(CURVE.Gx),
      bigToBytes(CURVE.Gy),
      publicPoint.subarray(1),
    ),
  );
}

// e = SM3(Z ‖ M): what an SM2 signature under `publicPoint` signs.
export const signingDigest = (publicPoint, message) => sm3(concat(zValue(publicPoint), message));

// SM3withSM2 over `message` with the private scalar d; r ‖ s (64 bytes). `nonce` is for
// known-answer tests only.
export function sign(d, message, nonce = randomScalar) {
  const e = reduce(signingDigest(pointBytes(G.multiply(d)), message));
  for (;;) {
    const k = nonce();
    const r = mod(e + G.multiply(k).toAffine().x);
    if (r === 0n || r + k === n) continue;
    const s = mod(inverse(1n + d) * (k - r * d));
    if (s === 0n) continue;
    return concat(bigToBytes(r), bigToBytes(s));
  }
}

// Verifies r ‖ s over the digest e under the point P (crypto::sm2_verify_digest).
export function verifyDigest(publicPoint, e, signature) {
  if (e.length !== 32 || signature.length !== 64) return false;
  const r = bytesToBig(signature.subarray(0, 32));
  const s = bytesToBig(signature.subarray(32));
  if (r === 0n || r >= n || s === 0n || s >= n) return false;
  const t = mod(r + s);
  if (t === 0n) return false;
  const sum = G.multiply(s).add(pointOf(publicPoint, 'the public key').multiply(t));
  if (sum.is0()) return false;
  return mod(reduce(e) + sum.toAffine().x) === r;
}

// GM/T 0009 SM2Signature (DER) of r ‖ s: SEQUENCE { r INTEGER, s INTEGER }.
export function signatureToDer(raw) {
  const integer = (half) => {
    let start = 0;
    while (start < half.length - 1 && half[start] === 0) start++;
    let body = half.subarray(start);
    if (body[0] & 0x80) body = concat(new Uint8Array([0]), body);
    return concat(new Uint8Array([0x02, body.length]), body);
  };
  const content = concat(integer(raw.subarray(0, 32)), integer(raw.subarray(32)));
  return concat(new Uint8Array([0x30, content.length]), content);
}

// --- the client half of two-party SM2 -------------------------------------------------------

// c = SM3(label ‖ context ‖ X ‖ T) mod n.
function challenge(bigX, bigT, context) {
  return reduce(sm3(concat(utf8(PROOF_LABEL), context, pointBytes(bigX), pointBytes(bigT))));
}

// A Schnorr proof of knowledge of x with X = [x]G, bound to `context`: T ‖ z (97 bytes).
export function proveKnowledge(x, bigX, context, nonce = randomScalar) {
  const t = nonce();
  const bigT = G.multiply(t);
  const z = mod(t + challenge(bigX, bigT, context) * x);
  return concat(pointBytes(bigT), bigToBytes(z));
}

// [z]G = T + [c]X; throws otherwise.
export function checkKnowledge(bigX, proof, context) {
  if (proof.length !== 97) throw new Error(`the proof of knowledge is ${proof.length} bytes, not 97`);
  const bigT = pointOf(proof.subarray(0, 65), "the proof's commitment");
  const z = scalarOf(proof.subarray(65), "the proof's response");
  const c = challenge(bigX, bigT, context);
  if (!G.multiply(z).equals(bigT.add(bigX.multiplyUnsafe(c)))) {
    throw new Error('the proof of knowledge does not hold');
  }
}

// What both proofs of key generation are bound to: "eseal-coss-enrol|app|code|" ‖ device point.
export const enrolmentContext = (appId, code, devicePoint) =>
  concat(utf8(`eseal-coss-enrol|${appId}|${code}|`), devicePoint);

// What a login signs with the device key.
export const loginStatement = (keyId, time, nonce) => `eseal-coss-login|${keyId}|${time}|${nonce}`;

// The client's share d1 and P1 = [d1^-1]G with its proof.
export function clientKeyShare(context, nonce = randomScalar) {
  const d1 = nonce();
  const d1Inverse = inverse(d1);
  const p1 = G.multiply(d1Inverse);
  return { d1, p1: pointBytes(p1), proof: proveKnowledge(d1Inverse, p1, context, nonce) };
}

// The server's P2 proof holds and P = [d1^-1]P2 − G; returns P (65 bytes).
export function clientConfirmKey(d1, p2Bytes, p2Proof, pBytes, context) {
  const p2 = pointOf(p2Bytes, 'P2');
  checkKnowledge(p2, p2Proof, context);
  const joint = pointOf(pBytes, 'P');
  const expected = p2.multiply(inverse(d1)).subtract(G);
  if (expected.is0() || !expected.equals(joint)) {
    throw new Error("the server's joint key P is not [d1^-1]P2 - G");
  }
  return pointBytes(joint);
}

// The nonce k1 and Q1 = [k1]G, used once.
export function clientSignStart(nonce = randomScalar) {
  const k1 = nonce();
  return { k1, q1: pointBytes(G.multiply(k1)) };
}

// s = d1·k1·s2 + d1·s3 − r, refusing r, s2, s3 outside [1, n−1] (s2 = 0 would give d1 away),
// s = 0 and r + s = n, and checking (r, s) on e under P; returns r ‖ s.
export function clientSignFinish(d1, start, e, partial, jointPoint) {
  if (e.length !== 32) throw new Error(`the digest e is ${e.length} bytes, not 32`);
  const r = scalarOf(partial.r, 'r');
  const s2 = scalarOf(partial.s2, 's2');
  const s3 = scalarOf(partial.s3, 's3');
  const s = mod(d1 * start.k1 * s2 + d1 * s3 - r);
  if (s === 0n || mod(r + s) === 0n) {
    throw new Error('the joint signature is degenerate (s = 0 or r + s = n)');
  }
  const rs = concat(bigToBytes(r), bigToBytes(s));
  if (!verifyDigest(jointPoint, e, rs)) {
    throw new Error("the joint signature does not verify under P: the server's half does not belong to this key or digest");
  }
  return rs;
}
