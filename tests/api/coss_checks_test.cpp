// The COSS door's verification, helper, certificate and time-stamp operations over real HTTP
// (manual §3.4.4, §3.4.6, §3.4.7, §3.4.9): each answers as the manual shows for a good request
// and with its chapter-4 code for each bad one. The manual's own examples are used where they
// can be checked: its verifySign signature, its certificate and its time-stamp token.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>

#include "coss_world.h"
#include "crypto/digest.h"
#include "crypto/random.h"
#include "crypto/sm2.h"
#include "ses/signature.h"
#include "support/blank_pdf.h"

namespace eseal::api::coss {
namespace {

using test::data_field;
using test::message_in;
using test::status_of;

// The manual's examples (§3.4.4.1 verifySign: "签名测试数据" signed by 张三's certificate of
// 2019–2024; §3.4.7.2 getTSInfo: an RSA token over "test" with genTime 2021-07-01 09:03:20Z;
// §3.4.9.2 getHashData), as printed there.
constexpr std::string_view kManualSignature =
    "MEYCIQDvcy6/WHJ+8QS1S1Ja1Q9FBa6gtnboxwndyQpHBBbcaQIhAMeZjymkozFKm1MaD2xq/L4JhW3gO5XTmGL6SO"
    "0MzZwr";
constexpr std::string_view kManualCert =
    "MIIDAzCCAqagAwIBAgISIAIX9hLyA5saPDc8EKE2osMvMAwGCCqBHM9VAYN1BQAwPjELMAkGA1UEBgwCQ04xDTALBg"
    "NVBAoMBEJKQ0ExDTALBgNVBAsMBEJKQ0ExETAPBgNVBAMMCExPQ0FMU00yMB4XDTE5MDYwNDExMDMzN1oXDTI0MDYw"
    "NDExMDMzN1owcDELMAkGA1UEBgwCQ04xDzANBgNVBAMMBuW8oOS4iTFQME4GCgmSJomT8ixkAQEMQDU0OGE0M2FlMD"
    "RmMTA5YTJjOGM4MTJjOTU2NzM1NzlhMDNhZmQ4NTEyZDdmYzg1ZjlhYmRjOWRlNzA2NmIyYWYwWTATBgcqhkjOPQIB"
    "BggqgRzPVQGCLQNCAAQlTH7WlyLLMd4honFRQJPZDAegXM7K1/OZ8jY2wuzwTXs55jUQZAu4C9Vj6tLp6Qem+O1v7v"
    "/mAUyM7ePj/CT5o4IBTjCCAUowCwYDVR0PBAQDAgbAMAkGA1UdEwQCMAAwEwYDVR0lBAwwCgYIKwYBBQUHAwMwgYUG"
    "A1UdHwR+MHwwOKA2oDSGMmh0dHBzOi8vY3JsLmlzaWduZXQuY24vY3JsL0xPQ0FMU00yL0xPQ0FMU00yXzAuY3JsME"
    "CgPqA8hjpodHRwczovL2NybC5pc2lnbmV0LmNuL2NybC9MT0NBTFNNMi9pbmMvTE9DQUxTTTJfaW5jXzAuY3JsMB0G"
    "A1UdDgQWBBRlzT2DRBtGU81NNfmDSMiICVjKvzAfBgNVHSMEGDAWgBQ78fsiTPugyfgIrS+tCqf3oTpz1zBTBgNVHS"
    "AETDBKMEgGCiqBHIbvMgYEAQEwOjA4BggrBgEFBQcCARYsaHR0cHM6Ly9jcmwuaXNpZ25ldC5jbi9jcHMvTE9DQUxT"
    "TTIvY3BzLmh0bWwwDAYIKoEcz1UBg3UFAANJADBGAiEAz3ueB71NEVYTsQ+wrckoQ+u9hi1Ls/C19TeaSrk+GcQCIQ"
    "C/Euzxhze9O0FEZPQDd4PJOtUEceZCcZvu4j9CUZ/w0w==";
constexpr std::string_view kManualToken =
    "MIIGkAYJKoZIhvcNAQcCoIIGgTCCBn0CAQMxDzANBglghkgBZQMEAgEFADCBswYLKoZIhvcNAQkQAQSggaMEgaAwgZ"
    "0CAQEGASowMTANBglghkgBZQMEAgEFAAQgn4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCggCBAX14QEYDzIw"
    "MjEwNzAxMDkwMzIwWgIGAXphTuvJoEOkQTA/MQswCQYDVQQGEwJDTjENMAsGA1UECgwEQkpDQTEPMA0GA1UECwwGMT"
    "ExMTExMRAwDgYDVQQDDAdyc2ExMDI0oIIEBjCCBAIwggLqoAMCAQICChtAAAAAAAAN0dAwDQYJKoZIhvcNAQELBQAw"
    "UjELMAkGA1UEBhMCQ04xDTALBgNVBAoMBEJKQ0ExGDAWBgNVBAsMD1B1YmxpYyBUcnVzdCBDQTEaMBgGA1UEAwwRUH"
    "VibGljIFRydXN0IENBLTIwHhcNMjAxMjE1MTYwMDAwWhcNMzAxMjE2MTU1OTU5WjA/MQswCQYDVQQGEwJDTjENMAsG"
    "A1UECgwEQkpDQTEPMA0GA1UECwwGMTExMTExMRAwDgYDVQQDDAdyc2ExMDI0MIGfMA0GCSqGSIb3DQEBAQUAA4GNAD"
    "CBiQKBgQCPTqz8+FGLb1nmX4uNxfl3xzq8DMSKzuPpjpP6tYe6ODHjK2inOOH2iDm0gwbxW5tZB7br3Hlk7sLMrt41"
    "08j4OjGy96OVtQm4xn+vg65OoPbUtwQRq5ZcNvwgDHkc8ADf/bs0znUnBqbZ3mrVOE9ZCGRsnrg7f3iy7l05lZ51uw"
    "IDAQABo4IBbzCCAWswHwYDVR0jBBgwFoAU+7fUVhdYjCN91fhCAdTtd5tX6+kwga0GA1UdHwSBpTCBojBsoGqgaKRm"
    "MGQxCzAJBgNVBAYTAkNOMQ0wCwYDVQQKDARCSkNBMRgwFgYDVQQLDA9QdWJsaWMgVHJ1c3QgQ0ExGjAYBgNVBAMMEV"
    "B1YmxpYyBUcnVzdCBDQS0yMRAwDgYDVQQDEwdjYTRjcmw0MDKgMKAuhixodHRwOi8vbGRhcC5iamNhLm9yZy5jbi9j"
    "cmwvcHRjYS9jYTRjcmw0LmNybDAJBgNVHRMEAjAAMBEGCWCGSAGG+EIBAQQEAwIA/zAWBgNVHSUBAf8EDDAKBggrBg"
    "EFBQcDCDBABgNVHSAEOTA3MDUGCSqBHIbvMgICATAoMCYGCCsGAQUFBwIBFhpodHRwOi8vd3d3LmJqY2Eub3JnLmNu"
    "L2NwczALBgNVHQ8EBAMCA/gwEwYKKoEchu8yAgEBHgQFDAM2NTQwDQYJKoZIhvcNAQELBQADggEBADQn82uvXWHpF1"
    "/7fvbIMNp05p4yQZwjE80mYE9/ULy7BXPlqmSmaCnxve9RUS8+tTXNDY8w6jc4E5b3YlMeLsGEVW+DB2mFfv8WHbTK"
    "/2q8QivIgQLlzyrD56Tljiqri01r3ShZYiVX5yuOFgu1x2DOM1JU/1OPoEQatYC6EAdPKJcaoj9C4+zShr/irG6GhX"
    "odreYUcmazDVLzLHfQaf2k/E3QcA/x7hVwtEMcmmG8N7ZfvprmS9UjlvEIoFi/AEAB3t+41EyUs0zFqvYOTvhczIMb"
    "76uc4kqCUZbTzJ9d6dw5+EmGmmpXEs6QB2XzcCTo3xvTPedbhOqBHjqLu30xggGlMIIBoQIBATBgMFIxCzAJBgNVBA"
    "YTAkNOMQ0wCwYDVQQKDARCSkNBMRgwFgYDVQQLDA9QdWJsaWMgVHJ1c3QgQ0ExGjAYBgNVBAMMEVB1YmxpYyBUcnVz"
    "dCBDQS0yAgobQAAAAAAADdHQMA0GCWCGSAFlAwQCAQUAoIGYMBoGCSqGSIb3DQEJAzENBgsqhkiG9w0BCRABBDAcBg"
    "kqhkiG9w0BCQUxDxcNMjEwNzAxMDkwMzIwWjArBgsqhkiG9w0BCRACDDEcMBowGDAWBBTCdKpud+ZFDHNAbg3RN8rH"
    "g49GdTAvBgkqhkiG9w0BCQQxIgQgxkBUkAkklV1rJvkfs3fHoUTaKnHSmpbFYTHd3vmra58wDQYJKoZIhvcNAQEBBQ"
    "AEgYAxYCOio5cHuwIx/V0BMjVJA9uylgHGUmwJ+KGRBMEwqxldrn8zVrPkH1WACpJrA4pv7bdWynrgFHQU2ZC0t5x7"
    "1t33J4fbmvphqsDecd7h6N3xwxE/n6btQPf6W/KSt+iR78z9CPsTq4IaTDW7R18Nch4YhjamAzCwkWf7MyvI7w==";
constexpr std::string_view kHashExampleData =
    "6L+Z5piv5LiA5Liq5aSa576O5Li95Y+I6YGX5oa+55qE5LiW55WM";
constexpr std::string_view kHashExampleCert =
    "MIIDFzCCAr2gAwIBAgIKGhAAAAAAAAwFazAKBggqgRzPVQGDdTBEMQswCQYDVQQGEwJDTjENMAsGA1UECgwEQkpDQT"
    "ENMAsGA1UECwwEQkpDQTEXMBUGA1UEAwwOQmVpamluZyBTTTIgQ0EwHhcNMjExMDI4MTYwMDAwWhcNMjIxMDI5MTU1"
    "OTU5WjA1MQswCQYDVQQGEwJDTjESMBAGA1UECgwJ6ZmI5pmT5pmoMRIwEAYDVQQDDAnpmYjmmZPmmagwWTATBgcqhk"
    "jOPQIBBggqgRzPVQGCLQNCAASF6YON6jwa/qEOOAVrMYKY7QP8d75MTQ9J0j1SdweZGE8v8YgBb3HuRLfz+GM9zslC"
    "+NKkOavSrpcor+c0ZnKTo4IBpDCCAaAwHwYDVR0jBBgwFoAUH+bP1I/FIiqXSimKFecWyZI0xLYwHQYDVR0OBBYEFK"
    "Ywyx9Mx5cCkXAY1afpoQGS0GBBMIGiBgNVHR8EgZowgZcwYKBeoFykWjBYMQswCQYDVQQGEwJDTjENMAsGA1UECgwE"
    "QkpDQTENMAsGA1UECwwEQkpDQTEXMBUGA1UEAwwOQmVpamluZyBTTTIgQ0ExEjAQBgNVBAMTCWNhMjFjcmwyOTAzoD"
    "GgL4YtaHR0cDovLzExMS4yMDcuMTc3LjE4OTo4MDAzL2NybC9jYTIxY3JsMjkuY3JsMB8GCiqBHIbvMgIBAQ4EEQwP"
    "OTk4MDAwMTAwNTI4MTM3MCAGCGCGSAGG+EQCBBRTRjYzMjMyMzE5MDYwNTI2ODkyNDAUBgoqgRyG7zICAQEeBAYMBD"
    "I4NTQwDgYDVR0PAQH/BAQDAgbAMFAGCiqBHIbvMgIBCgIEQgxANTE2MjczOTRlNjZjMWY3NjRkNjIxMWQ1YWFiNGNk"
    "YzA5MDI2YTdiNDUwOTI5ZmM0ODM0YjE3OWFkOTAzODlmMDAKBggqgRzPVQGDdQNIADBFAiEA/5gxkufcez4/dhQhMg"
    "mn0JFvnyLoYVuoyiKDswpCxpACIFmUi6Je04H+E7ayDey7qHFRXBBREaw97Movx2tsq7cC";

class CossChecksTest : public test::PhoneTest {
 protected:
  // A DATA job over `data` signed from the phone: the signature and the certificate, base64.
  std::pair<std::string, std::string> signed_by_phone(const test::Enrolled& e, ByteView data) {
    mobile::SignedJob signed_job = sign(e, add_job(e.user_id, "DATA", data));
    return {crypto::to_base64(signed_job.signature), crypto::to_base64(signed_job.certificate)};
  }

  rapidjson::Document call(const std::string& operation, const std::string& fields) {
    return world_.call(operation, fields);
  }
};

std::string b64(std::string_view text) {
  return crypto::to_base64(as_bytes(text));
}

// An RSA key and a self-signed certificate, for signatures "made elsewhere".
struct RsaSigner {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key{EVP_RSA_gen(2048), EVP_PKEY_free};
  std::unique_ptr<X509, decltype(&X509_free)> cert{X509_new(), X509_free};

  RsaSigner() {
    X509* x = cert.get();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), 86400);
    X509_set_pubkey(x, key.get());
    X509_NAME* name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("rsa signer"), -1, -1, 0);
    X509_set_issuer_name(x, name);
    X509_sign(x, key.get(), EVP_sha256());
  }
  std::string cert_base64() const {
    unsigned char* der = nullptr;
    int n = i2d_X509(cert.get(), &der);
    std::string out = crypto::to_base64(ByteView(der, static_cast<std::size_t>(n)));
    OPENSSL_free(der);
    return out;
  }
  std::string sign(const EVP_MD* md, ByteView data) const {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    std::size_t size = 0;
    EVP_DigestSignInit(ctx.get(), nullptr, md, nullptr, key.get());
    EVP_DigestSign(ctx.get(), nullptr, &size, data.data(), data.size());
    Bytes signature(size);
    EVP_DigestSign(ctx.get(), signature.data(), &size, data.data(), data.size());
    signature.resize(size);
    return crypto::to_base64(signature);
  }
};

TEST_F(CossChecksTest, VerifySignChecksTheManualsExampleAndPhoneAndRsaSignatures) {
  std::string manual =
      R"({"signAlg":"SM3withSM2","plain":"562+5ZCN5rWL6K+V5pWw5o2u","signValue":")" +
      std::string(kManualSignature) + R"(","cert":")" + std::string(kManualCert) + "\"}";
  auto ok = call("verifySign", manual);
  EXPECT_EQ(status_of(ok), 200) << message_in(ok);
  // One byte of the data changed: 89003019.
  std::string changed = manual;
  changed.replace(changed.find("562+"), 4, "562-");
  changed.replace(changed.find("562-"), 4, "563+");
  EXPECT_EQ(status_of(call("verifySign", changed)), 89003019);

  auto user = enrol();
  auto [signature, cert] = signed_by_phone(user, as_bytes("合同正文"));
  std::string fields = R"({"signAlg":"SM3withSM2","plain":")" + b64("合同正文") +
                       R"(","signValue":")" + signature + R"(","cert":")" + cert + "\"}";
  EXPECT_EQ(status_of(call("verifySign", fields)), 200);
  EXPECT_EQ(status_of(call("verifySign", R"({"signAlg":"SM3withSM2","plain":")" + b64("合同正文!") +
                                             R"(","signValue":")" + signature + R"(","cert":")" +
                                             cert + "\"}")),
            89003019);

  RsaSigner rsa;
  std::string rsa_fields = R"({"signAlg":"SHA256withRSA","plain":")" + b64("abc") +
                           R"(","signValue":")" + rsa.sign(EVP_sha256(), as_bytes("abc")) +
                           R"(","cert":")" + rsa.cert_base64() + "\"}";
  EXPECT_EQ(status_of(call("verifySign", rsa_fields)), 200);

  // Each refusal: no algorithm, an unknown one, one the key cannot have made, data that is not
  // base64, a certificate that is none.
  EXPECT_EQ(status_of(call("verifySign", R"({"plain":"YQ==","signValue":"YQ==","cert":"YQ=="})")),
            89000001);
  EXPECT_EQ(status_of(call("verifySign", R"({"signAlg":"MD5withRSA","plain":"YQ==","signValue":")" +
                                             signature + R"(","cert":")" + cert + "\"}")),
            89002027);
  EXPECT_EQ(
      status_of(call("verifySign", R"({"signAlg":"SHA1withRSA","plain":"YQ==","signValue":")" +
                                       signature + R"(","cert":")" + cert + "\"}")),
      89003018);
  EXPECT_EQ(status_of(call("verifySign", R"({"signAlg":"SM3withSM2","plain":"@@@","signValue":")" +
                                             signature + R"(","cert":")" + cert + "\"}")),
            89003020);
  EXPECT_EQ(status_of(call("verifySign", R"({"signAlg":"SM3withSM2","plain":"YQ==","signValue":")" +
                                             signature + R"(","cert":"YWJj"})")),
            89003021);
}

TEST_F(CossChecksTest, VerifySignDataTakesDataHashAndWebSealResults) {
  auto user = enrol();
  Bytes data = to_bytes("待签数据");
  auto [signature, cert] = signed_by_phone(user, data);
  auto verify = [&](const std::string& type, const std::string& in, const std::string& value,
                    const std::string& alg = "SM3withSM2") {
    return call("verifySignData", R"({"inDataType":")" + type + R"(","inData":")" + in +
                                      R"(","signAlg":")" + alg + R"(","signValue":")" + value +
                                      R"(","cert":")" + cert + "\"}");
  };
  auto ok = verify("DATA", crypto::to_base64(data), signature);
  ASSERT_EQ(status_of(ok), 200) << message_in(ok);
  EXPECT_TRUE(ok["data"].IsBool() && ok["data"].GetBool());
  // HASH: e = SM3(Z ‖ M), which is what the phone and the server signed together.
  auto certificate = pki::Certificate::parse(as_bytes(cert));
  ASSERT_TRUE(certificate.ok());
  Bytes e = *crypto::sm2_signing_digest(*certificate->public_key(), data);
  EXPECT_EQ(status_of(verify("HASH", crypto::to_base64(e), signature)), 200);
  EXPECT_EQ(status_of(verify("HASH", crypto::to_base64(crypto::sm3(data)), signature)), 89003019);
  EXPECT_EQ(status_of(verify("DATA", b64("别的数据"), signature)), 89003019);
  EXPECT_EQ(status_of(verify("TEXT", crypto::to_base64(data), signature)), 89000001);

  // WEB_SEAL: the sealed PDF of a WEB_SEAL job, with the job's signature and certificate.
  std::string job = add_job(user.user_id, "WEB_SEAL", eseal::test::blank_pdf(1),
                            R"(,"coordOfRuleInfo":{"pageNo":1,"left":100,"bottom":500,)"
                            R"("right":200,"top":600})");
  ASSERT_FALSE(sign(user, job).signature.empty());
  auto result = call("getSignResult", R"({"signDataId":")" + job + "\"}");
  std::string pdf = data_field(result, "signedFile");
  std::string value = data_field(result, "signResult");
  ASSERT_EQ(data_field(result, "signCert"), cert);
  auto web = verify("WEB_SEAL", pdf, value);
  EXPECT_EQ(status_of(web), 200) << message_in(web);
  // Another signature value, or a PDF without the signature: 89003019.
  EXPECT_EQ(status_of(verify("WEB_SEAL", pdf, signature)), 89003019);
  EXPECT_EQ(status_of(verify("WEB_SEAL", crypto::to_base64(eseal::test::blank_pdf(1)), value)),
            89003019);
}

TEST_F(CossChecksTest, VerifyEssSignTakesTheManualsBundleAndGbt38540Signatures) {
  auto user = enrol();
  auto [signature, cert] = signed_by_phone(user, as_bytes("网页内容"));
  auto certificate = pki::Certificate::parse(as_bytes(cert));
  ASSERT_TRUE(certificate.ok());
  std::string spki = crypto::to_base64(certificate->public_key()->spki_der());
  std::string bundle = signature + "````" + spki + "````" + cert + "````1559650703````````";
  auto ok = call("verifyEssSign", R"({"signAlg":"SM3withSM2","plain":")" + b64("网页内容") +
                                      R"(","signValue":")" + bundle + "\"}");
  EXPECT_EQ(status_of(ok), 200) << message_in(ok);
  EXPECT_EQ(status_of(call("verifyEssSign", R"({"signAlg":"SM3withSM2","plain":")" + b64("别的") +
                                                R"(","signValue":")" + bundle + "\"}")),
            89003019);
  // A bundle whose public key is not the certificate's.
  auto other = crypto::Sm2PrivateKey::generate();
  std::string wrong_key = signature + "````" + crypto::to_base64(other->public_key().spki_der()) +
                          "````" + cert + "````1559650703";
  EXPECT_EQ(
      status_of(call("verifyEssSign", R"({"signAlg":"SM3withSM2","plain":")" + b64("网页内容") +
                                          R"(","signValue":")" + wrong_key + "\"}")),
      89001013);

  // A GB/T 38540 signature over SM3(plain): a key of the user CA's, a personal seal of the
  // platform's seal maker that lists it.
  Time now = now_utc();
  auto key = crypto::Sm2PrivateKey::generate();
  pki::CertificateRequest request{pki::CertificateProfile::kUser,
                                  *pki::DistinguishedName::parse("C=CN,CN=李四"),
                                  key->public_key(),
                                  now - std::chrono::hours(1),
                                  now + std::chrono::days(30),
                                  {}};
  auto signer = world_.platform().issue_user_certificate(request);
  ASSERT_TRUE(signer.ok()) << signer.error().message;
  service::SealDesign design;
  design.name = "李四";
  design.signers = {*signer};
  auto seal = world_.platform().make_user_seal(design, now);
  ASSERT_TRUE(seal.ok()) << seal.error().message;
  auto ses_signature =
      ses::make_signature(*seal, now, crypto::sm3(as_bytes("网页内容")), "web", *signer, *key);
  ASSERT_TRUE(ses_signature.ok()) << ses_signature.error().message;
  std::string ses_value = crypto::to_base64(ses_signature->encoded);
  auto ses_ok = call("verifyEssSign", R"({"signAlg":"SM3withSM2","plain":")" + b64("网页内容") +
                                          R"(","signValue":")" + ses_value + "\"}");
  EXPECT_EQ(status_of(ses_ok), 200) << message_in(ses_ok);
  auto ses_bad = call("verifyEssSign", R"({"signAlg":"SM3withSM2","plain":")" + b64("别的") +
                                           R"(","signValue":")" + ses_value + "\"}");
  EXPECT_EQ(status_of(ses_bad), 89003019);
  EXPECT_NE(message_in(ses_bad).find("data-hash"), std::string::npos) << message_in(ses_bad);
  EXPECT_EQ(status_of(call("verifyEssSign", R"({"signAlg":"SHA1withRSA","plain":"YQ==",)"
                                            R"("signValue":")" +
                                                ses_value + "\"}")),
            89002027);
}

TEST_F(CossChecksTest, GenRandomAnswersInTheMessageAndGetHashDataHashesWithZ) {
  auto random = call("genRandom", R"({"len":16})");
  ASSERT_EQ(status_of(random), 200);
  auto drawn = crypto::from_base64(message_in(random));
  ASSERT_TRUE(drawn.ok());
  EXPECT_EQ(drawn->size(), 16u);
  EXPECT_NE(message_in(call("genRandom", R"({"len":16})")), message_in(random));
  for (const char* bad : {R"({"len":0})", R"({"len":"abc"})", R"({"len":5000})", R"({})"}) {
    EXPECT_EQ(status_of(call("genRandom", bad)), 89000001) << bad;
  }

  Bytes data = to_bytes("这是一个多美丽又遗憾的世界");
  auto hash_of = [&](const std::string& algo) {
    auto answer = call("getHashData", R"({"hashAlgo":")" + algo + R"(","inData":")" +
                                          crypto::to_base64(data) + "\"}");
    EXPECT_EQ(status_of(answer), 200) << message_in(answer);
    return answer.HasMember("data") && answer["data"].IsString() ? answer["data"].GetString()
                                                                 : std::string();
  };
  EXPECT_EQ(hash_of("SHA1"), crypto::to_base64(crypto::sha1(data)));
  EXPECT_EQ(hash_of("SHA256"), crypto::to_base64(crypto::sha256(data)));
  EXPECT_EQ(hash_of("SM3"), crypto::to_base64(crypto::sm3(data)));
  // The manual's example: SM3 with the certificate's key, e = SM3(Z ‖ M).
  auto with_key =
      call("getHashData", R"({"hashAlgo":"SM3","inData":")" + std::string(kHashExampleData) +
                              R"(","containPubKey":"true","cert":")" +
                              std::string(kHashExampleCert) + "\"}");
  ASSERT_EQ(status_of(with_key), 200) << message_in(with_key);
  auto cert = pki::Certificate::parse(as_bytes(kHashExampleCert));
  ASSERT_TRUE(cert.ok());
  Bytes example = *crypto::from_base64(kHashExampleData);
  EXPECT_EQ(std::string(with_key["data"].GetString()),
            crypto::to_base64(*crypto::sm2_signing_digest(*cert->public_key(), example)));
  EXPECT_EQ(status_of(call("getHashData", R"({"hashAlgo":"MD5","inData":"YQ=="})")), 89002027);
  EXPECT_EQ(status_of(call("getHashData", R"({"hashAlgo":"SM3","inData":"YQ==",)"
                                          R"("containPubKey":"true"})")),
            89000001);
  EXPECT_EQ(status_of(call("getHashData", R"({"hashAlgo":"SM3","inData":"YQ==",)"
                                          R"("containPubKey":"yes"})")),
            89000001);
  EXPECT_EQ(status_of(call("getHashData", R"({"hashAlgo":"SM3","inData":"!!"})")), 89003020);
}

TEST_F(CossChecksTest, CertificatesAreReadFoundAndJudged) {
  auto manual = call("getCertInfo", R"({"cert":")" + std::string(kManualCert) + "\"}");
  ASSERT_EQ(status_of(manual), 200) << message_in(manual);
  EXPECT_EQ(data_field(manual, "userId"),
            "548a43ae04f109a2c8c812c95673579a03afd8512d7fc85f9abdc9de7066b2af");
  EXPECT_EQ(data_field(manual, "certCN"), "张三");
  EXPECT_EQ(data_field(manual, "certDN"),
            "C=CN,CN=张三,UID=548a43ae04f109a2c8c812c95673579a03afd8512d7fc85f9abdc9de7066b2af");
  EXPECT_EQ(data_field(manual, "serialNumber"), "200217F612F2039B1A3C373C10A136A2C32F");
  EXPECT_EQ(data_field(manual, "sigAlgName"), "SM3withSM2");
  auto with_oid = call("getCertInfo", R"({"cert":")" + std::string(kManualCert) +
                                          R"(","oid":"0.9.2342.19200300.100.1.1"})");
  EXPECT_EQ(data_field(with_oid, "oidResult"),
            "548a43ae04f109a2c8c812c95673579a03afd8512d7fc85f9abdc9de7066b2af");
  EXPECT_EQ(status_of(call("getCertInfo", R"({"cert":"YWJj"})")), 89003021);
  EXPECT_EQ(status_of(call("getCertInfo", R"({})")), 89000001);

  // The joint key's certificate names its user, as the manual's does.
  auto user = enrol();
  auto devices = call("getUserDevice", R"({"userId":")" + user.user_id + "\"}");
  std::string device = devices["data"]["deviceInfos"][0]["deviceId"].GetString();
  auto query =
      call("queryCert", R"({"userId":")" + user.user_id + R"(","deviceId":")" + device + "\"}");
  ASSERT_EQ(status_of(query), 200) << message_in(query);
  const auto& info = query["data"]["certInfos"][0];
  EXPECT_EQ(std::string(info["deviceId"].GetString()), device);
  EXPECT_EQ(std::string(info["algoPolicy"].GetString()), "SM2");
  EXPECT_EQ(std::string(info["useage"].GetString()), "SIGN");
  std::string cert = info["cert"].GetString();
  auto mine = call("getCertInfo", R"({"cert":")" + cert + "\"}");
  EXPECT_EQ(data_field(mine, "userId"), user.user_id);
  EXPECT_EQ(data_field(mine, "certCN"), "张三");
  EXPECT_EQ(status_of(call("queryCert",
                           R"({"userId":")" + user.user_id + R"(","deviceId":"DEVICE_none"})")),
            89003005);
  EXPECT_EQ(status_of(call("queryCert", R"({"userId":")" + user.user_id + "\"}")), 89000001);

  // validationCert: good now; the manual's expired in 2024 and has a root we do not trust; a
  // self-signed certificate of nobody's; the user's once the device is deleted: revoked.
  auto valid = call("validationCert", R"({"cert":")" + cert + "\"}");
  EXPECT_EQ(status_of(valid), 200) << message_in(valid);
  EXPECT_EQ(status_of(call("validationCert", R"({"cert":")" + std::string(kManualCert) + "\"}")),
            89003031);
  RsaSigner stranger;
  EXPECT_EQ(status_of(call("validationCert", R"({"cert":")" + stranger.cert_base64() + "\"}")),
            89003027);
  ASSERT_EQ(status_of(call("deleteUserDevice",
                           R"({"userId":")" + user.user_id + R"(","deviceId":")" + device + "\"}")),
            200);
  auto revoked = call("validationCert", R"({"cert":")" + cert + "\"}");
  EXPECT_EQ(status_of(revoked), 89003026) << message_in(revoked);
}

TEST_F(CossChecksTest, TimeStampsAreMadeReadAndVerified) {
  auto made = call("createAndGetTssInfo", R"({"oriData":"test","attachCert":"true"})");
  ASSERT_EQ(status_of(made), 200) << message_in(made);
  std::string token = data_field(made, "tsResp");
  auto info = [&](const std::string& t, int type) {
    auto answer =
        call("getTSInfo", R"({"tsResp":")" + t + R"(","type":)" + std::to_string(type) + "}");
    EXPECT_EQ(status_of(answer), 200) << message_in(answer);
    return data_field(answer, "tsInfo");
  };
  EXPECT_EQ(info(token, 1).size(), 14u);
  EXPECT_EQ(info(token, 2), crypto::to_base64(crypto::sm3(as_bytes(std::string_view("test")))));
  auto tsa = pki::Certificate::parse(as_bytes(info(token, 3)));
  ASSERT_TRUE(tsa.ok());
  EXPECT_EQ(tsa->subject().get("CN"), "COSS TSA");
  EXPECT_EQ(info(token, 4), tsa->serial_hex());
  auto verify = [&](const std::string& data, const std::string& t) {
    auto answer = call("verifyTS", R"({"oriData":")" + data + R"(","tsResp":")" + t + "\"}");
    EXPECT_EQ(status_of(answer), 200) << message_in(answer);
    return data_field(answer, "verifyRes");
  };
  EXPECT_EQ(verify("test", token), "1");
  EXPECT_EQ(verify("text", token), "-2");

  // Without the certificate: still verified, with the TSA's certificate the server knows.
  auto bare = call("createAndGetTssInfo", R"({"oriData":"test","attachCert":"false"})");
  ASSERT_EQ(status_of(bare), 200) << message_in(bare);
  std::string bare_token = data_field(bare, "tsResp");
  EXPECT_EQ(verify("test", bare_token), "1");
  EXPECT_EQ(status_of(call("getTSInfo", R"({"tsResp":")" + bare_token + R"(","type":3})")),
            89003005);

  // The manual's token: genTime 09:03:20Z read in China Standard Time, the SHA-256 of "test",
  // its TSA certificate's serial; signed with RSA by a TSA we do not trust.
  std::string manual(kManualToken);
  EXPECT_EQ(info(manual, 1), "20210701170320");
  EXPECT_EQ(info(manual, 2), crypto::to_base64(crypto::sha256(as_bytes(std::string_view("test")))));
  EXPECT_EQ(info(manual, 4), "1B4000000000000DD1D0");
  EXPECT_EQ(verify("text", manual), "-2");
  // Its RSA signature is not one the SM2 verifier checks.
  EXPECT_EQ(verify("test", manual), "-1");

  EXPECT_EQ(status_of(call("createAndGetTssInfo", R"({"oriData":"test"})")), 89000001);
  EXPECT_EQ(status_of(call("getTSInfo", R"({"tsResp":")" + token + R"(","type":5})")), 89000001);
  EXPECT_EQ(status_of(call("getTSInfo", R"({"tsResp":"YWJj","type":1})")), 89001027);
  EXPECT_EQ(verify("test", "YWJj"), "-1");
}

}  // namespace
}  // namespace eseal::api::coss
