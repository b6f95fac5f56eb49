// Stamping and verifying OFD documents of 1 MiB and 20 MiB, against a bare SM3 pass over the
// same bytes in the same run. Stamping hashes every entry once and rewrites the archive around
// the new files (copying the others as stored); verifying hashes every entry once and reads the
// XML. The documents are three pages of text with an embedded font program that makes up their
// size, as real OFD files with embedded fonts do.
#include <benchmark/benchmark.h>

#include "crypto/digest.h"
#include "crypto/random.h"
#include "ofd/sign.h"
#include "ofd/verify.h"
#include "ofd/writer.h"
#include "ratio_reporter.h"
#include "support/sealing_parties.h"

namespace {

using namespace eseal;

Bytes document(std::size_t size) {
  std::string text;
  for (int i = 0; i < 120; ++i) text += "电子印章在政务服务中的应用试点，按照统一标准推进。\n";
  ofd::TextLayout layout;
  layout.font.file = *crypto::random_bytes(size);
  layout.font.file_name = "embedded.ttf";
  auto laid = ofd::layout_text(text, layout);
  return *ofd::write_ofd(laid->document, {now_utc(), "bench"});
}

const Bytes& document_of(std::int64_t mib) {
  static const Bytes one = document(1 << 20);
  static const Bytes twenty = document(20 << 20);
  return mib == 1 ? one : twenty;
}

Bytes stamp(const Bytes& ofd) {
  const auto& p = test::parties();
  doc::RectMm r{150, 230, 40, 40};
  ofd::SignRequest request{
      ofd::SignatureKind::kSeal, {{0, r, r, true}}, &p.seal, p.signer.cert, test::kNow, 0};
  auto prepared = ofd::prepare_signature(ofd, request);
  auto signature = crypto::sm2_sign(p.signer.key, prepared->to_be_signed);
  return *ofd::complete_signature(prepared->ofd, *signature, test::kNow);
}

void sm3_pass(benchmark::State& state) {
  const Bytes& ofd = document_of(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(crypto::sm3(ofd));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * ofd.size()));
}

void BM_Stamp_Eseal(benchmark::State& state) {
  const Bytes& ofd = document_of(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(stamp(ofd));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * ofd.size()));
}

void BM_Verify_Eseal(benchmark::State& state) {
  Bytes stamped = stamp(document_of(state.range(0)));
  ses::TrustPolicy trust = test::trust();
  ofd::VerifyOptions options;
  options.at = test::kNow;
  for (auto _ : state) {
    auto report = ofd::verify_ofd(stamped, trust, options);
    if (!report || report->signatures.size() != 1 || !report->signatures[0].valid())
      state.SkipWithError("the stamped OFD does not verify");
    benchmark::DoNotOptimize(report);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * stamped.size()));
}

// The names pair each eseal benchmark with the SM3 pass over the same size.
void BM_Stamp_Sm3Pass(benchmark::State& state) {
  sm3_pass(state);
}
void BM_Verify_Sm3Pass(benchmark::State& state) {
  sm3_pass(state);
}

BENCHMARK(BM_Stamp_Sm3Pass)->Arg(1)->Arg(20)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Stamp_Eseal)->Arg(1)->Arg(20)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Verify_Sm3Pass)->Arg(1)->Arg(20)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Verify_Eseal)->Arg(1)->Arg(20)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  return eseal::bench::run_with_ratios(argc, argv, "Sm3Pass");
}
