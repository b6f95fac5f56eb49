// Signing and verifying PDFs of 1 MiB and 20 MiB, against a bare SM3 pass over the same bytes in
// the same run: signing hashes the document once and appends an update, verifying hashes it
// once and parses it, so the ratios show what the PDF work costs on top of the hash.
#include <benchmark/benchmark.h>

#include "crypto/digest.h"
#include "pdf/sign.h"
#include "pdf/verify.h"
#include "ratio_reporter.h"
#include "support/blank_pdf.h"
#include "support/sealing_parties.h"

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

Bytes sign(const Bytes& pdf) {
  const auto& p = test::parties();
  pdf::SignRequest request{*doc::place(doc::PositionRule{0, 100, 100}, {{210, 297}}, 40, 40),
                           &p.seal,
                           p.signer.cert,
                           doc::SignatureFormat::kSes,
                           test::kNow,
                           "",
                           ""};
  auto prepared = pdf::prepare_signature(pdf, request);
  auto signature = crypto::sm2_sign(p.signer.key, prepared->to_be_signed);
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
  ses::TrustPolicy trust = test::trust();
  for (auto _ : state) {
    auto report = pdf::verify_pdf(signed_pdf, trust);
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
  return eseal::bench::run_with_ratios(argc, argv, "Sm3Pass");
}
