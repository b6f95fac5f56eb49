// libFuzzer target for PDF input (pdf/): the document opened with QPDF (Document::open, with its
// repair), its pages, their geometry and its revisions; the text with positions extracted from
// every page and searched as keyword placement does (extract_text, find_text); every signature
// verified with no trust anchor (verify_pdf: byte ranges, /Contents in each format, changes after
// signing, document time stamps, the /DSS); the validation data the document and its signatures
// carry; the last signature's /Contents; and the input read as a CMap as the text extractor
// reads ToUnicode and encoding CMaps. And the document sealed (prepare, sign, complete, verify)
// with a reason and a location that are the input's last bytes, which may read like the
// engine's own placeholders: what prepare accepts, complete must finish. Any input must be read
// or refused with an error value — never crash, hang or leak. Built as a real fuzzer with
// -DESEAL_FUZZ=ON under clang (scripts/fuzz), and in every build as a replay of the checked-in
// corpus (tests/fuzz/replay_main.cpp).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/utf8.h"
#include "pdf/cmap.h"
#include "pdf/contents.h"
#include "pdf/document.h"
#include "pdf/long_term.h"
#include "pdf/sign.h"
#include "pdf/text.h"
#include "pdf/verify.h"
#include "support/sealing_parties.h"

namespace {

using namespace eseal;

void seal(ByteView input) {
  const test::Parties& p = test::parties();
  std::string_view bytes(reinterpret_cast<const char*>(input.data()), input.size());
  std::string tail =
      valid_utf8(bytes.substr(bytes.size() - std::min<std::size_t>(bytes.size(), 64)));
  auto stamps = doc::place(doc::PositionRule{0, 20, 20}, {{210, 297}}, 40, 40);
  if (!stamps) return;
  pdf::SignRequest request{*stamps,    &p.seal, p.signer.cert, doc::SignatureFormat::kSes,
                           test::kNow, tail,    tail};
  auto prepared = pdf::prepare_signature(input, request);
  if (!prepared) return;
  auto signature = crypto::sm2_sign(p.signer.key, prepared->to_be_signed);
  if (!signature) std::abort();
  auto done = pdf::complete_signature(prepared->pdf, *signature);
  if (!done) {
    std::fprintf(stderr, "prepared but not completed: %s\n", done.error().message.c_str());
    std::abort();
  }
  (void)pdf::verify_pdf(*done, {});
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ByteView input(data, size);

  if (auto doc = pdf::Document::open(input, "fuzz.pdf")) {
    (void)doc->warnings();
    (void)doc->revision_ends();
    const int pages = doc->page_count();
    for (int i = 0; i < pages && i < 1000; ++i) {
      pdf::PageGeometry g = doc->geometry(i);
      (void)g.width_mm();
      (void)g.to_visual_mm(g.crop_box);
    }
    std::vector<std::string> warnings;
    if (auto text = pdf::extract_text(*doc, std::nullopt, &warnings)) {
      for (const auto& page : *text) (void)page.utf8();
      (void)pdf::find_text(*text, "签章");
      (void)pdf::find_text(*text, "Hello");
    }
    if (pages > 0) (void)pdf::extract_text(*doc, pages - 1);
    (void)pdf::read_validation_data(*doc);
    if (pages > 0) seal(input);
  }

  if (auto report = pdf::verify_pdf(input, {})) {
    (void)report->outcome();
    for (const auto& s : report->signatures) (void)pdf::changes_name(s.changes_after);
  }
  (void)pdf::carried_validation_data(input);
  if (auto found = pdf::find_last_contents(input)) (void)found->container.size();

  std::string problem;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  pdf::text_detail::CMap cmap = pdf::text_detail::CMap::parse(text, problem);
  (void)pdf::text_detail::codespace_length(cmap.codespace(), text);
  // Codes as the extractor asks for them: one byte, two bytes.
  for (std::uint32_t code : {0x00u, 0x41u, 0xFFu}) {
    (void)cmap.unicode(code, 1);
    (void)cmap.cid(code, 1);
  }
  for (std::uint32_t code : {0x0041u, 0x8140u, 0xFFFFu}) {
    (void)cmap.unicode(code, 2);
    (void)cmap.cid(code, 2);
  }
  return 0;
}
