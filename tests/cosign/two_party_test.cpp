// Two-party SM2: the worked vector of COSIGN_TSA_NOTES §1.3.3 reproduced value by value, joint
// signatures verified by OpenSSL (library and command line, distid 1234567812345678), joint
// decryption of OpenSSL-style ciphertexts, and every degenerate or foreign value of §1.7 refused.
#include "cosign/two_party.h"

#include <gtest/gtest.h>

#include <deque>

#include "base/file.h"
#include "crypto/encoding.h"
#include "crypto/sm2.h"
#include "support/process.h"

namespace eseal::cosign {
namespace {

namespace sm2 = crypto::sm2;

Bytes hex(std::string_view h) {
  return *crypto::from_hex(h);
}

Scalar scalar_hex(std::string_view h) {
  return crypto::to_secure(hex(h));
}

// Hands out the given scalars in order, then fails.
ScalarSource fixed(std::vector<std::string_view> values) {
  auto queue = std::make_shared<std::deque<Scalar>>();
  for (auto v : values) queue->push_back(scalar_hex(v));
  return [queue]() -> Result<Scalar> {
    if (queue->empty()) return Error::internal("the test's scalars ran out");
    Scalar s = queue->front();
    queue->pop_front();
    return s;
  };
}

Point point_hex(std::string_view x, std::string_view y) {
  Point p{0x04};
  append(p, hex(x));
  append(p, hex(y));
  return p;
}

constexpr std::string_view kContext = "activation:test";

struct JointKey {
  Scalar d1, d2;
  Point p;
};

JointKey make_key() {
  auto client = client_key_share(as_bytes(kContext));
  EXPECT_TRUE(client.ok());
  auto server = server_key_share(client->p1, client->proof, as_bytes(kContext));
  EXPECT_TRUE(server.ok()) << server.error().message;
  auto p = client_confirm_key(client->d1, server->p2, server->proof, server->p, as_bytes(kContext));
  EXPECT_TRUE(p.ok()) << p.error().message;
  return {client->d1, server->d2, *p};
}

Bytes digest_for(const Point& p, std::string_view message) {
  return *crypto::sm2_signing_digest(*crypto::Sm2PublicKey::from_point(p), as_bytes(message));
}

Result<Bytes> joint_sign(const JointKey& key, ByteView e) {
  auto nonce = client_sign_start();
  if (!nonce) return nonce.error();
  auto partial = server_sign(key.d2, e, nonce->q1);
  if (!partial) return partial.error();
  return client_sign_finish(key.d1, *nonce, e, *partial, key.p);
}

// The notes' vector (three nonces): the proofs' nonces are ours (they do not enter the
// signature), everything the notes list is reproduced.
TEST(TwoPartySm2, ReproducesTheWorkedVector) {
  const std::string_view d1 = "590E0BE118B90E71EFD40793642080818DBF10A91F63786012E52EAF7CC09F6F";
  const std::string_view d2 = "2223C0C79578A11C8CA036EBAE830A5280A33B5EDB6204E821A210F22681D27A";
  const std::string_view t = "1111111111111111111111111111111111111111111111111111111111111111";
  auto client = client_key_share(as_bytes(kContext), fixed({d1, t}));
  ASSERT_TRUE(client.ok()) << client.error().message;
  EXPECT_EQ(client->p1,
            point_hex("5E94E52090FE147CF81942F88D36E646FDB15E7591E6BDCB5527A76611EA6677",
                      "A97C303A85BFE7EA55590D723A5667334DD64E6436B229DA89FB7A0E5ECBB837"));
  auto server = server_key_share(client->p1, client->proof, as_bytes(kContext), fixed({d2, t}));
  ASSERT_TRUE(server.ok()) << server.error().message;
  EXPECT_EQ(server->p2,
            point_hex("48F26BA19E5BA73CA2BA6B46033F4706BD38D9D39C76217248D80656ED19C1C6",
                      "0153F2972FB2B10F0C96AA6A8ED62DB4975114367133B3CE12E2F3C77EFDFF1C"));
  const Point p = point_hex("52391F7A8E41CC9351CBE03D6F1C1E07602FB02F5EAA1B167CC521795C0056E0",
                            "A3D0C6BDC68324287C0B0CFC40354287D7B407DA05B747B3DDB0CBEF15B3111C");
  EXPECT_EQ(server->p, p);
  auto confirmed =
      client_confirm_key(client->d1, server->p2, server->proof, server->p, as_bytes(kContext));
  ASSERT_TRUE(confirmed.ok()) << confirmed.error().message;

  auto key = crypto::Sm2PublicKey::from_point(p);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(*crypto::sm2_z_value(*key),
            hex("8BA0DB03373162B649EE33577FA350490BBD6C9E7AF1D5BEC67546DC3BF0AEDB"));
  Bytes e = digest_for(p, "message digest");
  EXPECT_EQ(e, hex("E35CFB6D822236BCE4EC82856ECDCB4D503A59443AA73F3EA305B9358FEB0135"));

  auto nonce = client_sign_start(
      fixed({"364FF5C043F167BAA8333081D7177D67BFF8F6CE414BB13C5A6A7DE5DB763B60"}));
  ASSERT_TRUE(nonce.ok());
  EXPECT_EQ(nonce->q1,
            point_hex("58D3231E7B456DA50A0C5FD105E059E0039188C905D7247CA648F35CD846C785",
                      "5ACBB19EF5F8C928DA0C4659AD028BBB460F3EF69F477B34CAB0C668B7A6CF10"));
  auto partial =
      server_sign(server->d2, e, nonce->q1,
                  fixed({"C13FDF5CBA2E21B83F80B658C73769A86506597E111C01CC7C2029265A68963F",
                         "294C9956047CFE507E76C63E451BFC3EA7996E990289771E7760D8876CF6E856"}));
  ASSERT_TRUE(partial.ok()) << partial.error().message;
  EXPECT_EQ(partial->r, hex("E36DE5E29BACEE47B5A0D26E4754A856D5B6E1E599B51C316EC8E83E39D2493F"));
  EXPECT_EQ(partial->s2, hex("954AE94E994AB480A31BC1DE3077892033265A7ABE1D03CA85E3EEF3C0D09EB7"));
  EXPECT_EQ(partial->s3, hex("66CABFCFF52584AF52DCF199096E9D688BF83C4F317D3F823830F8D7A4200AC8"));
  auto rs = client_sign_finish(client->d1, *nonce, e, *partial, p);
  ASSERT_TRUE(rs.ok()) << rs.error().message;
  EXPECT_EQ(Bytes(rs->begin() + 32, rs->end()),
            hex("71565620D2A9CF0B3FA9C3612DD974A39F19A5C3B4F5E22D285D0FF13C15F7EB"));
  auto der = crypto::sm2_signature_raw_to_der(*rs);
  ASSERT_TRUE(der.ok());
  EXPECT_EQ(der->size(), 71u);
  EXPECT_TRUE(crypto::sm2_verify(*key, as_bytes("message digest"), *der).ok());
}

// Joint signatures are ordinary SM2 signatures: a thousand over random keys and messages verify
// with OpenSSL's SM2 (distid 1234567812345678), and some through the openssl command line.
TEST(TwoPartySm2, AThousandJointSignaturesVerifyWithOpenSsl) {
  test::TempDir dir;
  JointKey current;
  for (int i = 0; i < 1000; ++i) {
    if (i % 50 == 0) current = make_key();  // twenty keys, fifty signatures each
    std::string message = "message " + std::to_string(i);
    Bytes e = digest_for(current.p, message);
    auto rs = joint_sign(current, e);
    ASSERT_TRUE(rs.ok()) << rs.error().message;
    auto public_key = crypto::Sm2PublicKey::from_point(current.p);
    ASSERT_TRUE(crypto::sm2_verify(*public_key, as_bytes(message), *rs).ok()) << i;
    if (i % 100 != 0) continue;
    test::write_text(dir / "key.pem", public_key->pem());
    test::write_text(dir / "message.txt", message);
    ASSERT_TRUE(write_file_atomic(dir / "sig.der", *crypto::sm2_signature_raw_to_der(*rs)).ok());
    auto verified = test::run_command(
        test::openssl_binary() + " pkeyutl -verify -pubin -inkey " + (dir / "key.pem").string() +
        " -rawin -digest sm3 -in " + (dir / "message.txt").string() + " -sigfile " +
        (dir / "sig.der").string() + " -pkeyopt distid:1234567812345678");
    EXPECT_EQ(verified.exit_code, 0) << verified.output;
  }
}

// §1.7.1: a server that sends s2 = 0 (k3 = 0) would learn d1 from the final signature; the
// client refuses it, and any of r, s2, s3 outside [1, n-1].
TEST(TwoPartySm2, TheClientRefusesDegenerateServerHalves) {
  JointKey key = make_key();
  Bytes e = digest_for(key.p, "job");
  auto nonce = client_sign_start();
  ASSERT_TRUE(nonce.ok());
  auto partial = server_sign(key.d2, e, nonce->q1);
  ASSERT_TRUE(partial.ok());
  const Bytes zero(32, 0),
      n_bytes = hex("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123");
  for (Bytes PartialSignature::*field :
       {&PartialSignature::r, &PartialSignature::s2, &PartialSignature::s3}) {
    for (const Bytes& bad : {zero, n_bytes, Bytes(31, 1)}) {
      PartialSignature tampered = *partial;
      tampered.*field = bad;
      auto refused = client_sign_finish(key.d1, *nonce, e, tampered, key.p);
      ASSERT_FALSE(refused.ok());
      EXPECT_EQ(refused.error().kind, ErrorKind::kInvalidInput);
    }
  }
  // The untouched half still completes.
  EXPECT_TRUE(client_sign_finish(key.d1, *nonce, e, *partial, key.p).ok());
}

// A half made for another digest (another job), or with another key's share, never becomes a
// signature: the client's final verification catches it.
TEST(TwoPartySm2, AHalfForAnotherDigestOrKeyIsCaught) {
  JointKey key = make_key(), other = make_key();
  Bytes e = digest_for(key.p, "the job the user was shown");
  Bytes foreign = digest_for(key.p, "another job");
  auto nonce = client_sign_start();
  ASSERT_TRUE(nonce.ok());
  auto wrong_job = server_sign(key.d2, foreign, nonce->q1);
  ASSERT_TRUE(wrong_job.ok());
  auto refused = client_sign_finish(key.d1, *nonce, e, *wrong_job, key.p);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::kVerificationFailed);
  auto wrong_share = server_sign(other.d2, e, nonce->q1);
  ASSERT_TRUE(wrong_share.ok());
  EXPECT_FALSE(client_sign_finish(key.d1, *nonce, e, *wrong_share, key.p).ok());
  // The server checks a final signature the same way.
  auto good = joint_sign(key, e);
  ASSERT_TRUE(good.ok());
  EXPECT_TRUE(verify_joint(key.p, e, *good).ok());
  EXPECT_FALSE(verify_joint(key.p, foreign, *good).ok());
  EXPECT_FALSE(verify_joint(other.p, e, *good).ok());
}

// §1.7.2: every point from the other party is validated before use.
TEST(TwoPartySm2, PointsOffTheCurveAreRefused) {
  JointKey key = make_key();
  Bytes e = digest_for(key.p, "job");
  Point off = key.p;
  off.back() ^= 1;
  const Bytes zeros(65, 0), short_point(33, 2);
  for (const Bytes& bad : {off, zeros, short_point}) {
    EXPECT_FALSE(server_sign(key.d2, e, bad).ok());
    EXPECT_FALSE(server_decrypt(key.d2, bad).ok());
    auto client = client_key_share(as_bytes(kContext));
    ASSERT_TRUE(client.ok());
    EXPECT_FALSE(server_key_share(bad, client->proof, as_bytes(kContext)).ok());
  }
  EXPECT_FALSE(server_sign(key.d2, Bytes(31, 1), sm2::generator()).ok());
}

// §1.7.4: a share's proof of knowledge holds only for its point and its context, so a P1
// copied from another enrolment or another user is refused, and a server key P that is not
// [d1^-1]P2 - G is caught by the client.
TEST(TwoPartySm2, ProofsOfKnowledgeBindPointAndContext) {
  auto client = client_key_share(as_bytes(kContext));
  ASSERT_TRUE(client.ok());
  EXPECT_TRUE(check_knowledge(client->p1, client->proof, as_bytes(kContext)).ok());
  EXPECT_FALSE(check_knowledge(client->p1, client->proof, as_bytes("activation:other")).ok());
  EXPECT_FALSE(server_key_share(client->p1, client->proof, as_bytes("activation:other")).ok());
  auto other = client_key_share(as_bytes(kContext));
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(server_key_share(client->p1, other->proof, as_bytes(kContext)).ok());
  EXPECT_FALSE(server_key_share(client->p1, Bytes(96, 1), as_bytes(kContext)).ok());

  auto server = server_key_share(client->p1, client->proof, as_bytes(kContext));
  ASSERT_TRUE(server.ok());
  auto foreign = server_key_share(other->p1, other->proof, as_bytes(kContext));
  ASSERT_TRUE(foreign.ok());
  auto wrong_p =
      client_confirm_key(client->d1, server->p2, server->proof, foreign->p, as_bytes(kContext));
  ASSERT_FALSE(wrong_p.ok());
  EXPECT_EQ(wrong_p.error().kind, ErrorKind::kVerificationFailed);
  EXPECT_FALSE(
      client_confirm_key(client->d1, server->p2, foreign->proof, server->p, as_bytes(kContext))
          .ok());
}

// Blinded two-party decryption of what OpenSSL encrypts to the joint key; a server share of
// another key yields a C3 mismatch, never a wrong plaintext.
TEST(TwoPartySm2, DecryptsCiphertextsToTheJointKeyTogether) {
  JointKey key = make_key(), other = make_key();
  auto public_key = crypto::Sm2PublicKey::from_point(key.p);
  ASSERT_TRUE(public_key.ok());
  const std::string secret = "SM4 key for the sealed document";
  auto encrypted = crypto::sm2_encrypt(*public_key, as_bytes(secret));
  ASSERT_TRUE(encrypted.ok());
  auto parts = crypto::sm2_ciphertext_decode(*encrypted, crypto::Sm2CipherFormat::kDer);
  ASSERT_TRUE(parts.ok());
  auto blinding = client_decrypt_start(*parts);
  ASSERT_TRUE(blinding.ok());
  auto t2 = server_decrypt(key.d2, blinding->t1);
  ASSERT_TRUE(t2.ok());
  auto plain = client_decrypt_finish(key.d1, *blinding, *t2, *parts);
  ASSERT_TRUE(plain.ok()) << plain.error().message;
  EXPECT_EQ(std::string(plain->begin(), plain->end()), secret);

  auto wrong = server_decrypt(other.d2, blinding->t1);
  ASSERT_TRUE(wrong.ok());
  auto refused = client_decrypt_finish(key.d1, *blinding, *wrong, *parts);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::kInvalidInput);
}

}  // namespace
}  // namespace eseal::cosign
