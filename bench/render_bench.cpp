// OFD rendering and conversion. A page of a sealed tax e-invoice (the fixtures' v4signed.ofd,
// its seal an OFD picture) and a page of Chinese text are drawn at 150 dpi to PNG, next to
// poppler's Splash rasterizer (pdftoppm's engine, in process) drawing the same page from the
// PDF eseal converts it to — so the ratio compares like with like, PNG encoding included on both
// sides. OFD -> PDF is timed for the invoice and for a 1,000-page document. Published figures
// for the Java OFD library (ofdrw) on comparable work: about 1 s per page to PNG, 0.5 s for a
// small OFD to PDF, 0.76 s for a 700 KB sealed invoice and 2.4 s for 1,000 pages.
#include <benchmark/benchmark.h>
#include <cairo.h>

#include <filesystem>

#include "base/file.h"
#include "ofd/writer.h"
#include "ratio_reporter.h"
#include "render/ofd_render.h"
#include "render/pdf_pixels.h"

namespace {

using namespace eseal;

Bytes text_document(int pages) {
  std::string text;
  for (int i = 0; i < pages * 33; ++i) {
    text +=
        "第" + std::to_string(i + 1) + "行：电子印章在政务服务中的应用试点，按照统一标准推进。\n";
  }
  auto laid = ofd::layout_text(text, {});
  return *ofd::write_ofd(laid->document, {now_utc(), "bench"});
}

const Bytes& invoice() {
  static const Bytes bytes = [] {
    auto b = read_file(std::filesystem::path(ESEAL_FIXTURE_DIR) / "ofd-interop/v4signed.ofd");
    return b ? *b : Bytes();
  }();
  return bytes;
}

const Bytes& document(std::int64_t which) {
  static const Bytes text = text_document(1);
  return which == 0 ? invoice() : text;
}

Bytes to_pdf(const Bytes& ofd) {
  auto r = render::OfdRenderer::open(ofd);
  return *r->render_pdf({});
}

// Arg 0: the invoice; 1: a page of text.
void BM_RenderPage150_Eseal(benchmark::State& state) {
  const Bytes& ofd = document(state.range(0));
  if (ofd.empty()) return state.SkipWithError("no fixtures");
  for (auto _ : state) {
    auto r = render::OfdRenderer::open(ofd);
    benchmark::DoNotOptimize(r->render_png(0, 150));
  }
  state.counters["pages/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_RenderPage150_Pdftoppm(benchmark::State& state) {
  const Bytes& ofd = document(state.range(0));
  if (ofd.empty()) return state.SkipWithError("no fixtures");
  const Bytes pdf = to_pdf(ofd);
  for (auto _ : state) benchmark::DoNotOptimize(render::pdf_page_png(pdf, 0, 150));
  state.counters["pages/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_OfdToPdf_Eseal(benchmark::State& state) {
  const Bytes& ofd = document(state.range(0));
  if (ofd.empty()) return state.SkipWithError("no fixtures");
  for (auto _ : state) benchmark::DoNotOptimize(to_pdf(ofd));
  state.counters["files/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_OfdToPdf1000Pages(benchmark::State& state) {
  static const Bytes ofd = text_document(1000);
  for (auto _ : state) benchmark::DoNotOptimize(to_pdf(ofd));
  state.counters["pages/s"] = benchmark::Counter(static_cast<double>(state.iterations() * 1000),
                                                 benchmark::Counter::kIsRate);
}

// The same 1,000 pages walked and drawn onto a cairo recording surface, which keeps the drawing
// operations and writes nothing: eseal's own share of the OFD -> PDF time.
void BM_Draw1000PagesUnwritten(benchmark::State& state) {
  static const Bytes ofd = text_document(1000);
  for (auto _ : state) {
    auto r = render::OfdRenderer::open(ofd);
    cairo_surface_t* surface = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, nullptr);
    cairo_t* cr = cairo_create(surface);
    for (int p = 0; p < r->page_count(); ++p) benchmark::DoNotOptimize(r->draw(cr, p));
    cairo_destroy(cr);
    cairo_surface_destroy(surface);
  }
  state.counters["pages/s"] = benchmark::Counter(static_cast<double>(state.iterations() * 1000),
                                                 benchmark::Counter::kIsRate);
}

BENCHMARK(BM_RenderPage150_Eseal)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RenderPage150_Pdftoppm)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_OfdToPdf_Eseal)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_OfdToPdf1000Pages)->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK(BM_Draw1000PagesUnwritten)->Unit(benchmark::kMillisecond)->Iterations(2);

}  // namespace

int main(int argc, char** argv) {
  return eseal::bench::run_with_ratios(argc, argv, "Pdftoppm");
}
