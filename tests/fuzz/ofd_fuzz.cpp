// libFuzzer target for OFD packages (ofd/): the ZIP archive opened from memory (Package::open,
// under the reader's own PackageLimits, set tighter here so that a run stays within libFuzzer's
// memory and time), its entries inflated, the document structure read (read_structure: OFD.xml,
// Document.xml, Signatures.xml), each Signature.xml parsed, the page sizes and the text with
// positions extracted and searched as keyword placement does, and the whole package verified
// with no trust anchor at a fixed time (verify_ofd); the input is also read as one XML file and
// as a Signature.xml. Any input must be read or refused with an error value — never crash, hang
// or leak. Built as a real fuzzer with -DESEAL_FUZZ=ON under clang (scripts/fuzz), and in every
// build as a replay of the checked-in corpus (tests/fuzz/replay_main.cpp).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ofd/content.h"
#include "ofd/document.h"
#include "ofd/package.h"
#include "ofd/text.h"
#include "ofd/verify.h"
#include "ofd/xml.h"

namespace {

using namespace eseal;

// 2030-01-01T00:00:00Z: when a certified copy's expiry is judged.
const Time kAt{std::chrono::seconds{1'893'456'000}};

// The reader's limits, lowered for fuzzing: 10,000 entries, 16 MiB an entry, 64 MiB in all.
ofd::PackageLimits limits() {
  ofd::PackageLimits l;
  l.max_entries = 10'000;
  l.max_entry_size = 16ull << 20;
  l.max_total_size = 64ull << 20;
  return l;
}

void read_document(const ofd::Package& package, const ofd::DocBody& body) {
  (void)ofd::default_page_size(body);
  (void)ofd::template_pages(package, body);
  (void)ofd::page_sizes(package, body);
  std::vector<std::string> warnings;
  if (auto runs = ofd::extract_text(package, body, std::nullopt, &warnings)) {
    (void)ofd::find_text(*runs, "盖章");
    (void)ofd::find_text(*runs, "AB");
  }
  if (!body.pages.empty()) (void)ofd::extract_text(package, body, 0);
  for (const ofd::SignatureEntry& entry : body.signatures) {
    if (entry.path.empty()) continue;
    auto xml = package.read(entry.path);
    if (!xml) continue;
    if (auto sig = ofd::parse_signature_xml(*xml, entry.path)) {
      (void)ofd::parse_signature_date_time(sig->signature_date_time);
      for (const auto& annot : sig->stamp_annots) (void)ofd::format_box(annot.boundary);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ByteView input(data, size);

  if (auto package = ofd::Package::open(input, limits())) {
    std::size_t read = 0;
    for (const std::string& name : package->files()) {
      if (++read > 256) break;
      (void)package->contains(name);
      (void)package->read_chunks(name, [](ByteView) { return ok_status(); });
    }
    if (auto structure = ofd::read_structure(*package)) {
      for (const ofd::DocBody& body : structure->documents) read_document(*package, body);
    }
  }

  ofd::VerifyOptions options;
  options.limits = limits();
  options.at = kAt;
  if (auto report = ofd::verify_ofd(input, {}, options)) {
    (void)report->outcome();
    (void)report->locked();
  }

  (void)ofd::parse_xml(input, "fuzz.xml");
  (void)ofd::parse_signature_xml(input, "Doc_0/Signs/Sign_0/Signature.xml");
  return 0;
}
