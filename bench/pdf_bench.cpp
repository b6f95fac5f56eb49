// Signing and verifying PDFs of 1 MiB and 20 MiB, against a bare SM3 pass over the same bytes in
// the same run: signing hashes the document once and appends an update, verifying hashes it
// once and parses it, so the ratios show what the PDF work costs on top of the hash.
#include <benchmark/benchmark.h>

#include "crypto/digest.h"
#include "image/seal_picture.h"
#include "pdf/sign.h"
#include "pdf/verify.h"
#include "pki/issue.h"
#include "ratio_reporter.h"
#include "support/blank_pdf.h"

namespace {

using namespace eseal;

// A one-page PDF whose content stream makes it about `size` bytes.
Bytes document(std::size_t size) {
  std::string content;
  content.reserve(size);
  for (int i = 0; content.size() < size; ++i) {
    content +=
        "0 0 1 rg " + std::to_string(i % 500) + " " + std::to_string(i % 700) + " 5 5 re f\n";
  }
  return test::blank_pdf(1, content);
}

const Bytes& document_of(std::int64_t mib) {
  static const Bytes one = document(1 << 20);
  static const Bytes twenty = document(20 << 20);
  return mib == 1 ? one : twenty;
}

struct Signer {
  crypto::Sm2PrivateKey root_key = *crypto::Sm2PrivateKey::generate();
  pki::Certificate root = issue(pki::CertificateProfile::kRootCa, root_key, std::nullopt);
  crypto::Sm2PrivateKey key = *crypto::Sm2PrivateKey::generate();
  pki::Certificate cert = issue(pki::CertificateProfile::kSeal, key, root);
  crypto::Sm2PrivateKey maker_key = *crypto::Sm2PrivateKey::generate();
  pki::Certificate maker = issue(pki::CertificateProfile::kSealMaker, maker_key, root);
  ses::SesSeal seal = make_seal();

  pki::Certificate issue(pki::CertificateProfile profile, const crypto::Sm2PrivateKey& k,
                         const std::optional<pki::Certificate>& issuer) const {
    Time now = now_utc();
    pki::CertificateRequest request{profile,
                                    *pki::DistinguishedName::parse("C=CN,CN=bench"),
                                    k.public_key(),
                                    now - std::chrono::hours(1),
                                    now + std::chrono::days(30),
                                    {}};
    return *pki::issue_certificate(request, issuer, issuer ? root_key : k);
  }
  ses::SesSeal make_seal() const {
    image::SealPictureSpec spec = image::default_spec(image::SealTemplate::kRound);
    spec.name = "某某市测试单位";
    ses::SealInfo info;
    info.es_id = "BENCH";
    info.type = 1;
    info.name = spec.name;
    info.signer_certs = {cert.der()};
    info.create_date = info.valid_start = now_utc() - std::chrono::hours(1);
    info.valid_end = now_utc() + std::chrono::days(30);
    info.picture = {"PNG", *image::render_png(spec), 42, 42};
    return *ses::make_seal(info, maker, maker_key);
  }
};

const Signer& signer() {
  static const Signer s;
  return s;
}

Bytes sign(const Bytes& pdf) {
  const Signer& s = signer();
  pdf::SignRequest request{*doc::place(doc::PositionRule{0, 100, 100}, {{210, 297}}, 42, 42),
                           &s.seal,
                           s.cert,
                           doc::SignatureFormat::kSes,
                           now_utc(),
                           "",
                           ""};
  auto prepared = pdf::prepare_signature(pdf, request);
  auto signature = crypto::sm2_sign(s.key, prepared->to_be_signed);
  return *pdf::complete_signature(prepared->pdf, *signature);
}

void sm3_pass(benchmark::State& state) {
  const Bytes& pdf = document_of(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(crypto::sm3(pdf));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * pdf.size()));
}

void BM_Sign_Eseal(benchmark::State& state) {
  const Bytes& pdf = document_of(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(sign(pdf));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * pdf.size()));
}

void BM_Verify_Eseal(benchmark::State& state) {
  Bytes signed_pdf = sign(document_of(state.range(0)));
  for (auto _ : state) {
    auto report = pdf::verify_pdf(signed_pdf, {});
    if (!report || !report->valid()) state.SkipWithError("the signed PDF does not verify");
    benchmark::DoNotOptimize(report);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * signed_pdf.size()));
}

// The names pair each eseal benchmark with the SM3 pass over the same size.
void BM_Sign_Sm3Pass(benchmark::State& state) {
  sm3_pass(state);
}
void BM_Verify_Sm3Pass(benchmark::State& state) {
  sm3_pass(state);
}

BENCHMARK(BM_Sign_Sm3Pass)->Arg(1)->Arg(20)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Sign_Eseal)->Arg(1)->Arg(20)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Verify_Sm3Pass)->Arg(1)->Arg(20)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Verify_Eseal)->Arg(1)->Arg(20)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  eseal::bench::RatioReporter reporter("Sm3Pass");
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.PrintRatios();
  benchmark::Shutdown();
  return 0;
}
