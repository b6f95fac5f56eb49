// Known answers for the page's SM2 engine: GB/T 32918 signing (COSIGN_TSA_NOTES §3.1) and the
// three-nonce two-party vector (§1.3.3), then a whole two-party round with a simulated server.
import assert from 'node:assert/strict';
import test from 'node:test';
import * as sm2 from '../src/sm2.js';

const big = (hex) => BigInt('0x' + hex);
const once = (...values) => () => values.shift();

test('GB/T 32918 signature', () => {
  const d = big('3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8');
  const k = big('59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21');
  const point = sm2.pointBytes(sm2.Point.BASE.multiply(d));
  assert.equal(sm2.toHex(point.subarray(1, 33)).toUpperCase(),
    '09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020');
  assert.equal(sm2.toHex(sm2.zValue(point)).toUpperCase(),
    'B2E14C5C79C6DF5B85F4FE7ED8DB7A262B9DA7E07CCB0EA9F4747B8CCDA8A4F3');
  const rs = sm2.sign(d, sm2.utf8('message digest'), once(k));
  assert.equal(sm2.toHex(rs).toUpperCase(),
    'F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3' +
    'B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA');
  const e = sm2.signingDigest(point, sm2.utf8('message digest'));
  assert.ok(sm2.verifyDigest(point, e, rs));
  rs[40] ^= 1;
  assert.ok(!sm2.verifyDigest(point, e, rs));
  const der = sm2.signatureToDer(sm2.fromHex('00'.repeat(31) + '01' + 'ff'.repeat(32)));
  assert.equal(sm2.toHex(der), '3026020101022100' + 'ff'.repeat(32));
});

test('two-party three-nonce vector', () => {
  const d1 = big('590E0BE118B90E71EFD40793642080818DBF10A91F63786012E52EAF7CC09F6F');
  const d2 = big('2223C0C79578A11C8CA036EBAE830A5280A33B5EDB6204E821A210F22681D27A');
  const k1 = big('364FF5C043F167BAA8333081D7177D67BFF8F6CE414BB13C5A6A7DE5DB763B60');
  const G = sm2.Point.BASE;
  const p1 = G.multiply(sm2.Point.Fn.inv(d1));
  assert.equal(sm2.toHex(sm2.pointBytes(p1).subarray(1, 33)).toUpperCase(),
    '5E94E52090FE147CF81942F88D36E646FDB15E7591E6BDCB5527A76611EA6677');
  const p2 = G.multiply(sm2.Point.Fn.inv(d2));
  const joint = sm2.pointBytes(p1.multiply(sm2.Point.Fn.inv(d2)).subtract(G));
  assert.equal(sm2.toHex(joint).toUpperCase(), '04' +
    '52391F7A8E41CC9351CBE03D6F1C1E07602FB02F5EAA1B167CC521795C0056E0' +
    'A3D0C6BDC68324287C0B0CFC40354287D7B407DA05B747B3DDB0CBEF15B3111C');
  // P2's proof, made as the server makes it, confirms the key.
  const context = sm2.enrolmentContext('APP', '0a0b0c0d', sm2.pointBytes(G));
  const p2Proof = sm2.proveKnowledge(sm2.Point.Fn.inv(d2), p2, context);
  assert.deepEqual(sm2.clientConfirmKey(d1, sm2.pointBytes(p2), p2Proof, joint, context), joint);
  assert.throws(() => sm2.clientConfirmKey(d1, sm2.pointBytes(p2), p2Proof, joint, sm2.utf8('x')));
  const e = sm2.signingDigest(joint, sm2.utf8('message digest'));
  assert.equal(sm2.toHex(e).toUpperCase(),
    'E35CFB6D822236BCE4EC82856ECDCB4D503A59443AA73F3EA305B9358FEB0135');
  const start = sm2.clientSignStart(once(k1));
  const partial = {
    r: sm2.fromHex('E36DE5E29BACEE47B5A0D26E4754A856D5B6E1E599B51C316EC8E83E39D2493F'),
    s2: sm2.fromHex('954AE94E994AB480A31BC1DE3077892033265A7ABE1D03CA85E3EEF3C0D09EB7'),
    s3: sm2.fromHex('66CABFCFF52584AF52DCF199096E9D688BF83C4F317D3F823830F8D7A4200AC8'),
  };
  const rs = sm2.clientSignFinish(d1, start, e, partial, joint);
  assert.equal(sm2.toHex(rs.subarray(32)).toUpperCase(),
    '71565620D2A9CF0B3FA9C3612DD974A39F19A5C3B4F5E22D285D0FF13C15F7EB');
  // s2 = 0 would hand d1 to the server.
  assert.throws(() => sm2.clientSignFinish(d1, start, e, { ...partial, s2: new Uint8Array(32) }, joint));
});

test('a whole round against a simulated server', () => {
  const G = sm2.Point.BASE;
  const device = sm2.pointBytes(G.multiply(sm2.randomScalar()));
  const context = sm2.enrolmentContext('APP', 'deadbeef', device);
  const share = sm2.clientKeyShare(context);
  // The server: P1's proof, d2, P2 with its proof, P.
  const p1 = sm2.pointOf(share.p1, 'P1');
  sm2.checkKnowledge(p1, share.proof, context);
  const d2 = sm2.randomScalar();
  const p2 = G.multiply(sm2.Point.Fn.inv(d2));
  const joint = sm2.pointBytes(p1.multiply(sm2.Point.Fn.inv(d2)).subtract(G));
  const confirmed = sm2.clientConfirmKey(share.d1, sm2.pointBytes(p2),
    sm2.proveKnowledge(sm2.Point.Fn.inv(d2), p2, context), joint, context);
  const e = sm2.signingDigest(confirmed, sm2.utf8('同意'));
  const start = sm2.clientSignStart();
  const { n } = sm2.CURVE;
  const k2 = sm2.randomScalar();
  const k3 = sm2.randomScalar();
  const bigR = sm2.pointOf(start.q1, 'Q1').multiply(k3).add(G.multiply(k2));
  const r = (sm2.reduce(e) + bigR.toAffine().x) % n;
  const partial = { r: sm2.bigToBytes(r), s2: sm2.bigToBytes((d2 * k3) % n), s3: sm2.bigToBytes((d2 * (r + k2)) % n) };
  const rs = sm2.clientSignFinish(share.d1, start, e, partial, confirmed);
  assert.ok(sm2.verifyDigest(confirmed, e, rs));
});
