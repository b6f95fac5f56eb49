// The bounds the LD/T request path is measured against, on this machine and in the same run as
// the load (bench/ldt_load.sh prints them beside the server's figures and the ratios):
//   request_path_bounds DATA_DIR APP_TOML CONTENT_JSON PDF SEAL_ID [THREADS] [SECONDS]
// - SM2 verifications per second on THREADS threads (the machine's cores by default): a
//   getSealStatus request verifies one `sign` over CONTENT_JSON's canonical string, so the
//   server cannot answer more of them than this. Twice: with eseal's own arithmetic (what the
//   server runs) and with OpenSSL 3.0's (the reference the goal was set against).
// - positionSealSign of PDF in process, on THREADS threads: the seal SEAL_ID of the data folder,
//   laid out at the demo's position and signed through the one signing path (prepare, the seal's
//   signer, complete, with the time stamp the server adds), with no HTTP, JSON, base64 or store
//   write around it.
// - The passes around that sign which the protocol itself requires, in process on THREADS
//   threads: verifying the request's `sign`, whose canonical string holds the document's base64
//   (SM3 over all of it), decoding that base64, and encoding the signed PDF's for the answer.
//   The server cannot answer a positionSealSign in less than the sign and these.
#include <rapidjson/document.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <iostream>
#include <thread>
#include <vector>

#include "api/config.h"
#include "api/json_text.h"
#include "api/tsa/authority.h"
#include "crypto/encoding.h"
#include "crypto/openssl.h"
#include "crypto/sm2.h"
#include "ldt_app.h"
#include "service/signing.h"
#include "service/store_platform.h"
#include "store/store.h"

using namespace eseal;
using bench::must;

namespace {

// How many times per second `threads` threads together run `once` for `seconds`.
double rate(int threads, double seconds, const std::function<bool()>& once) {
  std::atomic<long> done{0};
  std::atomic<bool> failed{false};
  auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      while (std::chrono::steady_clock::now() < until) {
        if (!once()) failed = true;
        ++done;
      }
    });
  }
  for (auto& t : pool) t.join();
  if (failed) {
    std::cerr << "an operation failed while measuring\n";
    std::exit(1);
  }
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return static_cast<double>(done) / elapsed;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 6) {
    std::cerr << "usage: request_path_bounds DATA_DIR APP_TOML CONTENT_JSON PDF SEAL_ID [THREADS] "
                 "[SECONDS]\n";
    return 2;
  }
  std::string data_dir = argv[1];
  int threads =
      argc > 6 ? std::stoi(argv[6]) : static_cast<int>(std::thread::hardware_concurrency());
  double seconds = argc > 7 ? std::stod(argv[7]) : 3;

  // What a getSealStatus request's `sign` covers, signed by the app's key.
  auto creds = bench::credentials(argv[2]);
  rapidjson::Document content;
  std::string text = to_string(must(read_file(argv[3]), argv[3]));
  content.Parse(text.c_str());
  std::string canonical = api::canonical_fields(content);
  Bytes signature = must(creds.signer->sign(as_bytes(canonical)), "sign");
  crypto::Sm2PublicKey key = must(creds.signer->certificate().public_key(), "app public key");
  double verifies = rate(threads, seconds, [&] {
    return crypto::sm2_verify(key, as_bytes(canonical), signature).ok();
  });
  std::printf("SM2 verification: %.0f per second on %d threads\n", verifies, threads);
  double openssl_verifies = rate(threads, seconds, [&] {
    auto ctx = crypto::ossl::sm3_with_sm2_context(key.native(), crypto::kSm2DefaultUserId, false);
    return ctx && EVP_DigestVerify(ctx->get(), signature.data(), signature.size(),
                                   reinterpret_cast<const unsigned char*>(canonical.data()),
                                   canonical.size()) == 1;
  });
  std::printf("SM2 verification with OpenSSL: %.0f per second on %d threads\n", openssl_verifies,
              threads);

  // The demo seal's signature on PDF, as positionSealSign lays it out (page 1, 120 mm, 60 mm).
  keys::Kek kek = bench::kek_from_environment();
  api::Config config;
  config.data.dir = data_dir;
  auto store = must(store::open_store(data_dir, kek), "the data folder");
  service::StorePlatform platform(*store, kek, data_dir);
  auto time_stamps = must(api::tsa::authority_from(config, platform), "time stamps");
  service::SigningSettings settings;
  settings.time_stamps = must(api::tsa::signing_authority(config, time_stamps.get()), "[signing]");
  service::Caller operator_caller{"cli", "", "bench", {"*"}};
  auto seal = must(platform.usable(argv[5], operator_caller, now_utc()), "the seal");
  Bytes pdf = must(read_file(argv[4]), argv[4]);
  auto sign_once = [&] {
    Time now = now_utc();
    service::SealSignature request{{service::Placement(doc::PositionRule{0, 120, 60})},
                                   &seal.seal.seal,
                                   settings.pdf_format,
                                   "",
                                   ""};
    auto signed_pdf = service::sign(
        service::prepare_seal(pdf, request, seal.signer->certificate(), now, settings.limits),
        *seal.signer, settings.stamper("cli:bench", now));
    return signed_pdf.ok();
  };
  double signs = rate(threads, seconds, sign_once);
  std::printf(
      "positionSealSign in process: %.1f per second on %d threads (%.1f ms each), %zu-byte "
      "PDF\n",
      signs, threads, 1000.0 * threads / signs, pdf.size());

  // A content that carries the PDF as a positionSealSign request does, signed by the app.
  std::string data = crypto::to_base64(pdf);
  content.AddMember("data", rapidjson::StringRef(data.data(), data.size()), content.GetAllocator());
  std::string signed_canonical = api::canonical_fields(content);
  Bytes request_signature = must(creds.signer->sign(as_bytes(signed_canonical)), "sign");
  double passes = rate(threads, seconds, [&] {
    bool verified = crypto::sm2_verify(key, as_bytes(signed_canonical), request_signature).ok();
    auto decoded = crypto::from_base64(data);
    return verified && decoded && crypto::to_base64(*decoded).size() == data.size();
  });
  std::printf(
      "positionSealSign protocol passes: %.1f per second on %d threads (%.1f ms each): the "
      "request's sign over a %zu-byte canonical string, the document's base64 decoded and the "
      "document encoded again\n",
      passes, threads, 1000.0 * threads / passes, signed_canonical.size());
  return 0;
}
