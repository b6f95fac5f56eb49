// Speed of the crypto core against OpenSSL used directly over the same bytes, in the same run.
// Our layer wraps OpenSSL, so the ratios should stay close to 1.0; a ratio well above that means
// the wrapper copies or allocates too much. Prints "ratio" lines after the benchmark table.
#include <benchmark/benchmark.h>
#include <openssl/evp.h>

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

BENCHMARK(BM_Sm3_Eseal)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Sm3_OpenSSL)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Sm4Cbc_Eseal)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Sm4Cbc_OpenSSL)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Sm2Sign_Eseal)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Sm2Sign_OpenSSL)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Sm2Verify_Eseal)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Sm2Verify_OpenSSL)->Unit(benchmark::kMicrosecond);

}  // namespace

int main(int argc, char** argv) {
  return eseal::bench::run_with_ratios(argc, argv, "OpenSSL");
}
