#include "ofd/verify.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <memory>
#include <set>

#include "asn1/oid.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "crypto/sm2.h"
#include "ofd/copy.h"
#include "ofd/document.h"
#include "ofd/text.h"
#include "ofd/xml.h"
#include "pki/signed_data.h"
#include "ses/signature.h"

namespace eseal::ofd {
namespace {

using ses::Check;
using ses::CheckResult;

constexpr auto passed = &Check::passed;
constexpr auto failed = &Check::failed;
constexpr auto skipped = &Check::skipped;

// Names for a detail line: all of them up to a point, then a count.
std::string name_list(const std::vector<std::string>& names) {
  constexpr std::size_t kShown = 20;
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < kShown; ++i) {
    out += (i ? ", " : "") + names[i];
  }
  if (names.size() > kShown) out += " and " + std::to_string(names.size() - kShown) + " more";
  return out;
}

// The digest algorithms References/@CheckMethod names in real files (docs/ENCODINGS.md §4.3).
enum class CheckAlgorithm { kSm3, kSha256, kSha1, kMd5 };

std::string upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

std::optional<CheckAlgorithm> check_algorithm(std::string_view method) {
  std::string m = upper(method);
  if (m == asn1::oid::kSm3 || m == "SM3") return CheckAlgorithm::kSm3;
  if (m == "SHA256" || m == "SHA-256" || m == "2.16.840.1.101.3.4.2.1")
    return CheckAlgorithm::kSha256;
  if (m == "SHA1" || m == "SHA-1" || m == "1.3.14.3.2.26") return CheckAlgorithm::kSha1;
  if (m == "MD5" || m == "1.2.840.113549.2.5") return CheckAlgorithm::kMd5;
  return std::nullopt;
}

std::string_view algorithm_name(CheckAlgorithm a) {
  switch (a) {
    case CheckAlgorithm::kSm3:
      return "SM3";
    case CheckAlgorithm::kSha256:
      return "SHA-256";
    case CheckAlgorithm::kSha1:
      return "SHA-1";
    case CheckAlgorithm::kMd5:
      return "MD5";
  }
  return "?";
}

std::size_t algorithm_size(CheckAlgorithm a) {
  return a == CheckAlgorithm::kMd5 ? 16 : a == CheckAlgorithm::kSha1 ? 20 : 32;
}

// The digest of an entry's raw bytes, streamed. MD5 is not in crypto/ (nothing eseal makes
// uses it); the GB/T 33190 XSD names it as CheckMethod's default, so it is read here.
Result<Bytes> entry_digest(const Package& package, const std::string& path, CheckAlgorithm a) {
  if (a == CheckAlgorithm::kMd5) {
    std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_md5(), nullptr) != 1) {
      return Error::internal("MD5 is not available");
    }
    auto s = package.read_chunks(path, [&](ByteView chunk) {
      EVP_DigestUpdate(ctx.get(), chunk.data(), chunk.size());
      return ok_status();
    });
    if (!s) return s.error();
    Bytes out(EVP_MAX_MD_SIZE);
    unsigned int n = 0;
    EVP_DigestFinal_ex(ctx.get(), out.data(), &n);
    out.resize(n);
    return out;
  }
  crypto::Hasher h(a == CheckAlgorithm::kSm3      ? crypto::HashAlgorithm::kSm3
                   : a == CheckAlgorithm::kSha256 ? crypto::HashAlgorithm::kSha256
                                                  : crypto::HashAlgorithm::kSha1);
  auto s = package.read_chunks(path, [&](ByteView chunk) {
    h.update(chunk);
    return ok_status();
  });
  if (!s) return s.error();
  return h.finish();
}

// The entry name `path` finds in the package (find() may match it case-insensitively), or "".
std::string entry_name(const Package& package, const std::string& path) {
  if (path.empty()) return {};
  const Entry* e = package.find(path);
  return e ? e->name : std::string();
}

// Digests already taken in this verification, by entry name and algorithm: signatures share
// files, and a hostile Signature.xml may name one large file many times.
using DigestCache = std::map<std::pair<std::string, CheckAlgorithm>, Bytes>;

Result<Bytes> cached_digest(const Package& package, const std::string& path, CheckAlgorithm a,
                            DigestCache& cache) {
  auto key = std::make_pair(entry_name(package, path), a);
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  auto digest = entry_digest(package, path, a);
  if (digest) cache.emplace(std::move(key), *digest);
  return digest;
}

Check references_check(const Package& package, const SignatureDescription& d, DigestCache& cache,
                       SignatureReport& report) {
  const std::string name = "references";
  if (d.references.empty()) return failed(name, "Signature.xml has no Reference");
  std::optional<CheckAlgorithm> declared;
  if (!d.check_method.empty()) {
    declared = check_algorithm(d.check_method);
    if (!declared) {
      return failed(name, "CheckMethod \"" + d.check_method + "\" is not a known digest");
    }
  }
  std::vector<std::string> changed, missing, unreadable;
  std::set<std::string_view> used;
  for (const Reference& ref : d.references) {
    ReferenceResult r{ref.file_ref, ref.path, ReferenceStatus::kUnreadable};
    auto value = crypto::from_base64(ref.check_value);
    // No CheckMethod: the XSD's default is MD5, but producers that leave it out hash with
    // whatever they use; the value's size tells MD5, SHA-1 and SM3 apart.
    CheckAlgorithm a = declared                       ? *declared
                       : value && value->size() == 20 ? CheckAlgorithm::kSha1
                       : value && value->size() == 32 ? CheckAlgorithm::kSm3
                                                      : CheckAlgorithm::kMd5;
    if (ref.path.empty()) {
      unreadable.push_back("\"" + ref.file_ref + "\" (not a package path)");
    } else if (!package.contains(ref.path)) {
      r.status = ReferenceStatus::kMissing;
      missing.push_back(ref.path);
    } else if (!value || value->size() != algorithm_size(a)) {
      unreadable.push_back(ref.path + " (CheckValue is not base64 of a " +
                           std::string(algorithm_name(a)) + " digest)");
    } else if (auto digest = cached_digest(package, ref.path, a, cache); !digest) {
      unreadable.push_back(ref.path + " (" + digest.error().message + ")");
    } else if (*digest == *value) {
      r.status = ReferenceStatus::kMatches;
      used.insert(algorithm_name(a));
    } else {
      r.status = ReferenceStatus::kChanged;
      changed.push_back(ref.path);
    }
    report.references.push_back(std::move(r));
  }
  if (changed.empty() && missing.empty() && unreadable.empty()) {
    std::string algorithms;
    for (std::string_view u : used) algorithms += (algorithms.empty() ? "" : "/") + std::string(u);
    std::string weak = used.count("MD5") || used.count("SHA-1") ? " (a weak digest)" : "";
    return passed(name, std::to_string(d.references.size()) + " file(s) match their " + algorithms +
                            " CheckValue" + weak);
  }
  std::string detail;
  auto add = [&](const char* label, const std::vector<std::string>& names) {
    if (names.empty()) return;
    detail += (detail.empty() ? "" : "; ") + std::string(label) + ": " + name_list(names);
  };
  add("changed", changed);
  add("missing", missing);
  add("unreadable", unreadable);
  return failed(name, detail);
}

// What an OFD signature value protects: the raw Signature.xml.
constexpr doc::Protected kSignatureXml{"data-hash", "Signature.xml"};

// OFDRW's deprecated DigitalSignContainer: SM3withSM2 (standard ID) over the raw Signature.xml,
// stored as a bare DER SM2Signature with no certificate.
void check_bare_sm2(ByteView signature, ByteView signature_xml, std::optional<Time> claimed_time,
                    const ses::TrustPolicy& trust, const VerifyOptions& options,
                    SignatureReport& report) {
  report.format = "sm2";
  report.signing_time = claimed_time;
  auto& checks = report.verdict.checks;
  if (options.signer_certificates.empty()) {
    return doc::no_signer_certificate(
        "a bare SM2 signature carries no certificate and none was given to check it against",
        checks);
  }
  for (const pki::Certificate& cert : options.signer_certificates) {
    auto key = cert.public_key();
    if (!key || !crypto::sm2_verify(*key, signature_xml, signature)) continue;
    report.signer = cert.subject().to_string();
    checks.push_back(
        passed("signer-signature", "SM3withSM2 over the " + std::to_string(signature_xml.size()) +
                                       " bytes of Signature.xml, key of " + report.signer));
    doc::certificate_checks(cert, claimed_time, {}, trust, checks);
    return;
  }
  checks.push_back(
      failed("signer-signature", "a bare SM2 signature over Signature.xml that none of the " +
                                     std::to_string(options.signer_certificates.size()) +
                                     " certificate(s) given verifies"));
  checks.push_back(skipped("signer-certificate", "no signer certificate"));
  checks.push_back(skipped("signer-chain", "no signer certificate"));
}

// SignedValue.dat is binary DER; a tolerant reader also takes base64 or hex text of it
// (docs/ENCODINGS.md §4.5).
Bytes signed_value_der(Bytes raw, const std::string& path, std::vector<std::string>& warnings) {
  if (raw.empty() || raw[0] == 0x30) return raw;
  std::string text = to_string(raw);
  if (auto b = crypto::from_base64(text); b && !b->empty() && (*b)[0] == 0x30) {
    warnings.push_back(path + " holds base64 text; read as the DER it encodes");
    return *b;
  }
  if (auto h = crypto::from_hex(text); h && !h->empty() && (*h)[0] == 0x30) {
    warnings.push_back(path + " holds hex text; read as the DER it encodes");
    return *h;
  }
  return raw;
}

// Returns the seal inside the signature value, for seal-match.
std::optional<Bytes> check_signed_value(const Package& package, const SignatureDescription& d,
                                        const Bytes& signature_xml, const ses::TrustPolicy& trust,
                                        const VerifyOptions& options, SignatureReport& report,
                                        std::vector<std::string>& warnings) {
  auto& checks = report.verdict.checks;
  report.format = "unknown";
  if (d.signed_value_path.empty()) {
    checks.push_back(failed("signed-value", "Signature.xml names no SignedValue file"));
    return std::nullopt;
  }
  auto raw = package.read(d.signed_value_path);
  if (!raw) {
    checks.push_back(failed("signed-value", raw.error().message));
    return std::nullopt;
  }
  Bytes value = signed_value_der(std::move(*raw), d.signed_value_path, warnings);
  Bytes xml_hash = crypto::sm3(signature_xml);
  std::optional<Time> claimed = parse_signature_date_time(d.signature_date_time);
  auto ses_signature = ses::decode_signature(value);
  if (ses_signature) {
    doc::check_ses(*ses_signature, xml_hash, trust, kSignatureXml, report);
    return ses_signature->seal.encoded;
  }
  auto sd = pki::parse_signed_data(value);
  if (sd) {
    doc::check_cms(*sd, xml_hash, claimed, trust, kSignatureXml, report);
    return std::nullopt;
  }
  if (crypto::sm2_signature_der_to_raw(value)) {
    check_bare_sm2(value, signature_xml, claimed, trust, options, report);
    return std::nullopt;
  }
  if (options.foreign) {
    report.format = "oes";
    Bytes seal;
    if (!d.seal_path.empty()) {
      if (auto file = package.read(d.seal_path)) seal = std::move(*file);
    }
    auto verified =
        options.foreign(signature_xml, d.check_method, seal, "/" + report.signature_path, value);
    if (verified) {
      checks.push_back(passed("signer-signature", "the seal vendor's module " +
                                                      options.foreign_name +
                                                      " verified the value over Signature.xml"));
    } else {
      checks.push_back(failed(
          "signer-signature",
          "the seal vendor's module " + options.foreign_name + ": " + verified.error().message));
    }
    return std::nullopt;
  }
  checks.push_back(failed("signed-value", d.signed_value_path + " is neither an SES_Signature (" +
                                              ses_signature.error().message + "), a SignedData (" +
                                              sd.error().message + ") nor an SM2 signature"));
  return std::nullopt;
}

Check seal_match(const Package& package, const SignatureDescription& d,
                 const std::optional<Bytes>& signed_seal) {
  const std::string name = "seal-match";
  if (d.seal_loc.empty()) return skipped(name, "Signature.xml names no seal file");
  if (d.seal_path.empty() || !package.contains(d.seal_path)) {
    return failed(name, "Seal/BaseLoc \"" + d.seal_loc + "\" names no file in the package");
  }
  if (!signed_seal) {
    return failed(name, d.seal_path + " is named, but the signature value carries no seal");
  }
  auto bytes = package.read(d.seal_path);
  if (!bytes) return failed(name, bytes.error().message);
  if (*bytes != *signed_seal) {
    return failed(name, d.seal_path + " is not the seal inside the signature value");
  }
  return passed(name, d.seal_path + " is the seal inside the signature value (" +
                          std::to_string(bytes->size()) + " bytes)");
}

// Cross-page seals (骑缝章, docs/ENCODINGS.md §4.8): the clipped StampAnnots, page by page,
// must tile their seal — slices whose union covers the whole width (or height) — and a group
// ends when it does. A slice missing from a page, or one too many, leaves a group incomplete.
Check cross_page(const std::vector<Appearance>& appearances) {
  const std::string name = "cross-page";
  std::vector<const Appearance*> slices;
  for (const auto& a : appearances) {
    if (a.clip && a.page >= 0) slices.push_back(&a);
  }
  if (slices.empty()) return skipped(name, "no cross-page seal");
  std::stable_sort(slices.begin(), slices.end(),
                   [](const Appearance* x, const Appearance* y) { return x->page < y->page; });
  constexpr double kTolerance = 0.01;  // mm; boxes are written to 0.001 mm
  std::vector<std::pair<double, double>> covered;
  int groups = 0, first_page = 0;
  double whole = 0;
  for (const Appearance* a : slices) {
    bool vertical = std::abs(a->clip->height - a->boundary.height) < kTolerance;
    double from = vertical ? a->clip->x : a->clip->y;
    double size = vertical ? a->clip->width : a->clip->height;
    if (covered.empty()) {
      first_page = a->page;
      whole = vertical ? a->boundary.width : a->boundary.height;
    }
    covered.emplace_back(from, from + size);
    std::sort(covered.begin(), covered.end());
    double reach = 0;
    bool gap = false;
    for (const auto& [begin, end] : covered) {
      if (begin > reach + kTolerance) gap = true;
      reach = std::max(reach, end);
    }
    if (!gap && reach >= whole - kTolerance) {
      ++groups;
      covered.clear();
    }
  }
  if (!covered.empty()) {
    return failed(name, "the cross-page seal starting on page " + std::to_string(first_page + 1) +
                            " is incomplete: its slices do not cover the whole seal");
  }
  return passed(name, std::to_string(slices.size()) + " slice(s) on consecutive pages make " +
                          std::to_string(groups) + " whole seal(s)");
}

// The visible part of every StampAnnot (its Boundary, or the Clip inside it) at least half on
// its page, in finite numbers.
Check stamp_geometry(const Package& package, const DocBody& body,
                     const std::vector<Appearance>& appearances) {
  const std::string name = "stamp-geometry";
  auto sizes = page_sizes(package, body);
  if (!sizes) return failed(name, sizes.error().message);
  for (const Appearance& a : appearances) {
    if (a.page < 0 || a.page >= static_cast<int>(sizes->size())) continue;  // stamp-annots says
    doc::RectMm visible = a.boundary;
    if (a.clip) {
      visible = {a.boundary.x + a.clip->x, a.boundary.y + a.clip->y, a.clip->width, a.clip->height};
    }
    double share = doc::share_on_page(visible, (*sizes)[static_cast<std::size_t>(a.page)]);
    if (share < 0.5) {
      return failed(name, "the stamp on page " + std::to_string(a.page + 1) + " at " +
                              format_box(a.boundary) + " lies mostly off the page (" +
                              std::to_string(static_cast<int>(share * 100)) + "% on it)");
    }
  }
  return passed(name, "every stamp lies on its page");
}

Check stamp_annots(const DocBody& body, int document, const SignatureDescription& d,
                   SignatureReport& report) {
  const std::string name = "stamp-annots";
  if (d.stamp_annots.empty()) return skipped(name, "no StampAnnot");
  std::vector<std::string> unknown, shown;
  for (const StampAnnot& a : d.stamp_annots) {
    Appearance ap{document, -1, a.page_ref, a.boundary, a.clip};
    for (std::size_t p = 0; p < body.pages.size(); ++p) {
      if (body.pages[p].id == a.page_ref) ap.page = static_cast<int>(p);
    }
    if (ap.page < 0) {
      unknown.push_back(a.id + " (PageRef \"" + a.page_ref + "\")");
    } else {
      shown.push_back("page " + std::to_string(ap.page + 1) + " at " + format_box(a.boundary) +
                      (a.clip ? " clip " + format_box(*a.clip) : ""));
    }
    report.appearances.push_back(std::move(ap));
  }
  if (!unknown.empty()) {
    return failed(name, "StampAnnot(s) naming no page of the document: " + name_list(unknown));
  }
  return passed(name, name_list(shown));
}

void verify_signature(const Package& package, const DocBody& body, int document,
                      const SignatureEntry& entry, const ses::TrustPolicy& trust,
                      const VerifyOptions& options, DigestCache& cache, SignatureReport& report,
                      std::optional<SignatureDescription>& description,
                      std::vector<std::string>& warnings) {
  auto& checks = report.verdict.checks;
  report.document = document;
  report.id = entry.id;
  report.type = entry.type;
  report.relative = entry.relative;
  report.signature_path = entry.path;
  if (entry.path.empty() || !package.contains(entry.path)) {
    checks.push_back(
        failed("signature-xml", "BaseLoc \"" + entry.base_loc + "\" names no file in the package"));
    return;
  }
  auto xml = package.read(entry.path);
  if (!xml) {
    checks.push_back(failed("signature-xml", xml.error().message));
    return;
  }
  auto parsed = parse_signature_xml(*xml, entry.path, package.limits().max_xml_depth);
  if (!parsed) {
    checks.push_back(failed("signature-xml", parsed.error().message));
    return;
  }
  const SignatureDescription& d = *parsed;
  report.signed_value_path = d.signed_value_path;
  report.seal_path = d.seal_path;
  report.provider = d.provider_name;
  report.signature_method = d.signature_method;
  report.signature_date_time = d.signature_date_time;
  report.check_method = d.check_method;
  checks.push_back(references_check(package, d, cache, report));
  std::string own_signatures = entry_name(package, body.signatures_path);
  for (const ReferenceResult& r : report.references) {
    if (own_signatures.empty() || entry_name(package, r.path) != own_signatures) continue;
    report.locked = true;
    if (r.status == ReferenceStatus::kChanged) {
      checks.back().detail +=
          " (this signature locks the package: Signatures.xml changed, so "
          "signatures were added or removed after it)";
    }
  }
  auto seal = check_signed_value(package, d, *xml, trust, options, report, warnings);
  checks.push_back(report.format == "oes" ? skipped("seal-match",
                                                    "the seal vendor's module judged the value, "
                                                    "which eseal cannot read")
                                          : seal_match(package, d, seal));
  checks.push_back(stamp_annots(body, document, d, report));
  if (!report.appearances.empty())
    checks.push_back(stamp_geometry(package, body, report.appearances));
  checks.push_back(cross_page(report.appearances));
  description = std::move(*parsed);
}

}  // namespace

std::string_view reference_status_name(ReferenceStatus s) {
  switch (s) {
    case ReferenceStatus::kMatches:
      return "matches";
    case ReferenceStatus::kChanged:
      return "changed";
    case ReferenceStatus::kMissing:
      return "missing";
    case ReferenceStatus::kUnreadable:
      return "unreadable";
  }
  return "?";
}

bool VerifyReport::locked() const {
  return std::any_of(signatures.begin(), signatures.end(),
                     [](const SignatureReport& s) { return s.locked; });
}

ses::Outcome VerifyReport::outcome() const {
  ses::Outcome o;
  if (signatures.empty()) o.add(ses::Indication::kFailed, "no-signature");
  if (!uncovered_files.empty()) o.add(ses::Indication::kFailed, "uncovered-files");
  if (!removed_files.empty()) o.add(ses::Indication::kFailed, "removed-files");
  for (const SignatureReport& s : signatures) o.add(s.outcome());
  if (certified_copy) o.add(certified_copy->verdict.outcome());
  return o;
}

bool VerifyReport::valid() const {
  return outcome().indication == ses::Indication::kValid;
}

namespace {

// Originals attached to certified copies are verified in turn, down to this depth.
constexpr int kMaxCopyDepth = 4;

// A document's page annotation files (Annotations.xml's Page/FileLoc), entry name -> page index;
// none when it has no annotations or they cannot be followed.
std::map<std::string, int> annotation_files(const Package& package, const DocBody& body) {
  std::map<std::string, int> out;
  auto document = package.read(body.document_path);
  if (!document) return out;
  auto parsed = parse_xml(*document, body.document_path, package.limits().max_xml_depth);
  if (!parsed) return out;
  std::string loc = text(child((*parsed)->document_element(), "Annotations"));
  if (loc.empty()) return out;
  auto list_path = resolve_path(body.document_path, loc);
  if (!list_path) return out;
  auto list = package.read(*list_path);
  if (!list) return out;
  auto list_xml = parse_xml(*list, *list_path, package.limits().max_xml_depth);
  if (!list_xml) return out;
  std::map<std::string, int> page_of;
  for (std::size_t i = 0; i < body.pages.size(); ++i)
    page_of[body.pages[i].id] = static_cast<int>(i);
  for (pugi::xml_node page : children((*list_xml)->document_element(), "Page")) {
    auto index = page_of.find(attribute(page, "PageID").value());
    auto file = resolve_path(*list_path, text(child(page, "FileLoc")));
    if (index != page_of.end() && file) out[entry_name(package, *file)] = index->second;
  }
  return out;
}

// The Appearance boundaries of a page annotation file's annotations; none when it cannot be read.
std::vector<doc::RectMm> annotation_boxes(const Package& package, const std::string& path) {
  std::vector<doc::RectMm> out;
  auto bytes = package.read(path);
  if (!bytes) return out;
  auto parsed = parse_xml(*bytes, path, package.limits().max_xml_depth);
  if (!parsed) return out;
  for (pugi::xml_node annot : children((*parsed)->document_element(), "Annot")) {
    auto box = parse_box(attribute(child(annot, "Appearance"), "Boundary").value());
    if (box) out.push_back(*box);
  }
  return out;
}

// Where each signature of `body` (its reports, in order) sees the document changed.
void add_changed_regions(const Package& package, const DocBody& body,
                         std::span<SignatureReport> signatures) {
  auto sizes = page_sizes(package, body);
  std::map<std::string, int> content_of;  // Content.xml entry -> page index
  for (std::size_t i = 0; i < body.pages.size(); ++i) {
    if (std::string name = entry_name(package, body.pages[i].path); !name.empty())
      content_of[name] = static_cast<int>(i);
  }
  std::map<std::string, int> annotations = annotation_files(package, body);
  for (std::size_t i = 0; i < signatures.size(); ++i) {
    SignatureReport& s = signatures[i];
    std::vector<std::string> changed = s.uncovered_files;
    for (const ReferenceResult& r : s.references) {
      if (r.status == ReferenceStatus::kChanged || r.status == ReferenceStatus::kMissing)
        changed.push_back(entry_name(package, r.path).empty() ? r.path
                                                              : entry_name(package, r.path));
    }
    for (const std::string& file : changed) {
      if (auto page = content_of.find(file); page != content_of.end()) {
        if (sizes && page->second < static_cast<int>(sizes->size())) {
          const doc::PageSize& size = (*sizes)[static_cast<std::size_t>(page->second)];
          s.changed_regions.push_back(
              {page->second, {0, 0, size.width_mm, size.height_mm}, "content"});
        }
      } else if (auto annots = annotations.find(file); annots != annotations.end()) {
        for (const doc::RectMm& box : annotation_boxes(package, file))
          s.changed_regions.push_back({annots->second, box, "annotation"});
      }
    }
    for (std::size_t j = i + 1; j < signatures.size(); ++j) {
      for (const Appearance& a : signatures[j].appearances) {
        if (a.page < 0) continue;
        doc::RectMm shown = a.boundary;
        if (a.clip) {
          shown = {a.boundary.x + a.clip->x, a.boundary.y + a.clip->y, a.clip->width,
                   a.clip->height};
        }
        s.changed_regions.push_back({a.page, shown, "signature"});
      }
    }
    doc::bound_changed_regions(s.changed_regions);
  }
}

Result<VerifyReport> verify_package(ByteView ofd, const ses::TrustPolicy& trust,
                                    const VerifyOptions& options, int depth) {
  auto package = Package::open(ofd, options.limits);
  if (!package) return package.error();
  auto structure = read_structure(*package);
  if (!structure) return structure.error();
  VerifyReport report;
  report.warnings = structure->warnings;

  // Each signature with what it describes, for the coverage pass below.
  std::vector<std::optional<SignatureDescription>> descriptions;
  DigestCache cache;
  for (std::size_t doc = 0; doc < structure->documents.size(); ++doc) {
    const DocBody& body = structure->documents[doc];
    for (const SignatureEntry& entry : body.signatures) {
      SignatureReport s;
      std::optional<SignatureDescription> d;
      verify_signature(*package, body, static_cast<int>(doc), entry, trust, options, cache, s, d,
                       report.warnings);
      report.signatures.push_back(std::move(s));
      descriptions.push_back(std::move(d));
    }
  }

  // What is expected to be left out of References: Signatures.xml (a later signature changes
  // it unless the package is locked) and every signature's own files.
  std::set<std::string> expected;
  auto expect = [&](const std::string& path) {
    if (std::string name = entry_name(*package, path); !name.empty()) expected.insert(name);
  };
  for (const DocBody& body : structure->documents) {
    expect(body.signatures_path);
    for (const SignatureEntry& e : body.signatures) expect(e.path);
  }
  for (const auto& d : descriptions) {
    if (!d) continue;
    expect(d->signed_value_path);
    expect(d->seal_path);
  }
  std::vector<std::string> files = package->files();
  std::set<std::string> covered_by_any, removed;
  for (std::size_t i = 0; i < report.signatures.size(); ++i) {
    SignatureReport& s = report.signatures[i];
    if (!descriptions[i]) continue;  // Signature.xml unreadable: already failed
    std::set<std::string> covered;
    std::vector<std::string> gone;
    for (const ReferenceResult& r : s.references) {
      if (r.status == ReferenceStatus::kMissing) gone.push_back(r.path);
      if (std::string name = entry_name(*package, r.path); !name.empty()) covered.insert(name);
    }
    for (const std::string& f : files) {
      if (!covered.count(f) && !expected.count(f)) s.uncovered_files.push_back(f);
    }
    covered_by_any.insert(covered.begin(), covered.end());
    removed.insert(gone.begin(), gone.end());
    if (s.uncovered_files.empty() && gone.empty()) {
      s.verdict.checks.push_back(passed(
          "package-changes", "every file is covered but Signatures.xml and the signatures' own"));
    } else {
      std::string detail;
      if (!s.uncovered_files.empty()) detail = "not covered: " + name_list(s.uncovered_files);
      if (!gone.empty()) detail += (detail.empty() ? "" : "; ") + ("removed: " + name_list(gone));
      s.verdict.checks.push_back(failed("package-changes", detail));
    }
  }
  for (const std::string& f : files) {
    if (!covered_by_any.count(f) && !expected.count(f)) report.uncovered_files.push_back(f);
  }
  std::size_t first = 0;
  for (const DocBody& body : structure->documents) {
    std::span<SignatureReport> of_body(report.signatures.data() + first, body.signatures.size());
    add_changed_regions(*package, body, of_body);
    first += body.signatures.size();
  }
  report.removed_files.assign(removed.begin(), removed.end());
  for (const DocBody& body : structure->documents) {
    bool is_copy = std::any_of(body.custom_data.begin(), body.custom_data.end(),
                               [](const auto& d) { return d.first == kCopyCreatorName; });
    if (!is_copy) continue;
    report.certified_copy =
        verify_certified_copy(*package, body, options.at, [&](ByteView original) {
          if (depth >= kMaxCopyDepth) {
            return Result<VerifyReport>(Error::invalid_input("copies nested too deeply"));
          }
          return verify_package(original, trust, options, depth + 1);
        });
  }
  return report;
}

}  // namespace

Result<VerifyReport> verify_ofd(ByteView ofd, const ses::TrustPolicy& trust,
                                const VerifyOptions& options) {
  return verify_package(ofd, trust, options, 0);
}

}  // namespace eseal::ofd
