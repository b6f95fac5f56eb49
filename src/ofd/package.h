// An OFD package (GB/T 33190-2016 §7.1; docs/ENCODINGS.md §4.1): a ZIP or ZIP64 archive read
// from memory with libzip, its entries listed and read byte for byte, and the ST_Loc paths the
// XML files use resolved to entry names. Hostile packages are refused with kInvalidInput before
// anything large is allocated: too many entries, entries or a total declared larger than the
// limits (and inflating past the declared size), names that escape the root or are absolute or
// use backslashes, duplicate names, encrypted entries and unknown compression methods.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"

namespace eseal::ofd {

struct PackageLimits {
  std::uint64_t max_entries = 100'000;
  std::uint64_t max_entry_size = 512ull << 20;  // inflated bytes of one entry
  std::uint64_t max_total_size = 512ull << 20;  // inflated bytes of all entries together
  // Nesting of each XML file read from the package (ofd/xml.h: kMaxXmlDepth is the ceiling).
  std::size_t max_xml_depth = 256;
};

// One entry of the archive's central directory.
struct Entry {
  std::string name;                   // as stored, e.g. "Doc_0/Document.xml"; folders end with "/"
  std::uint64_t size = 0;             // declared inflated size
  std::uint64_t compressed_size = 0;  // declared stored size
  bool directory = false;
};

// An opened package. It views the bytes given to open(ByteView), which must outlive it, or owns
// those given to open(Bytes&&). Reading is not
// thread-safe (libzip keeps one read position); use one Package per thread.
class Package {
 public:
  // Opens `zip` read-only. Errors are kInvalidInput: not a ZIP archive, a damaged or
  // multi-disk one, or one that breaks a limit or a naming rule above (the message says which
  // entry and which rule).
  static Result<Package> open(ByteView zip, const PackageLimits& limits = {});
  // The same, keeping `zip` inside the package (for archives made on the fly).
  static Result<Package> open(Bytes&& zip, const PackageLimits& limits = {});

  Package(Package&&) noexcept;
  Package& operator=(Package&&) noexcept;
  ~Package();

  // What the package was opened with; its XML files are parsed within limits().max_xml_depth.
  const PackageLimits& limits() const { return limits_; }
  // Every entry in central-directory order, folders included.
  const std::vector<Entry>& entries() const { return entries_; }
  // Names of the entries that are files (not folders), in central-directory order.
  std::vector<std::string> files() const;

  // The file entry named `path` (an entry name; a leading "/" is ignored), matched exactly, or
  // else case-insensitively when exactly one entry matches that way (producers on Windows
  // write "TPLS/" for "Tpls/"). nullptr when there is none.
  const Entry* find(std::string_view path) const;
  bool contains(std::string_view path) const { return find(path) != nullptr; }

  // The exact raw bytes of a file entry (found as find() does): kNotFound when there is no
  // such file; kInvalidInput when its data is damaged or inflates past its declared size.
  Result<Bytes> read(std::string_view path) const;
  // The same bytes in pieces of at most 64 KiB, for hashing without holding a large entry in
  // memory. Stops at, and returns, the first error `sink` returns.
  Status read_chunks(std::string_view path, const std::function<Status(ByteView)>& sink) const;

 private:
  struct Archive;
  Package(std::unique_ptr<Archive> archive, std::vector<Entry> entries,
          const PackageLimits& limits);
  static Result<Package> open_archive(std::unique_ptr<Archive> archive, ByteView zip,
                                      const PackageLimits& limits);
  std::size_t index_of(const Entry& entry) const;

  std::unique_ptr<Archive> archive_;
  std::vector<Entry> entries_;
  PackageLimits limits_;
  // File entries by exact name, and by lower-case name (kAmbiguous when two fold together).
  static constexpr std::size_t kAmbiguous = static_cast<std::size_t>(-1);
  std::unordered_map<std::string, std::size_t> by_name_, by_folded_name_;
};

// Resolves an ST_Loc `location` written in the file `base_file` (an entry name) to an entry
// name: "/Doc_0/Document.xml" from the package root, anything else from `base_file`'s folder;
// "." and ".." segments are resolved. kInvalidInput for an empty location, a backslash, a
// scheme or drive ("file:", "C:"), or ".." above the root.
Result<std::string> resolve_path(std::string_view base_file, std::string_view location);

// The folder of an entry name, with its trailing "/" ("Doc_0/Signs/" for
// "Doc_0/Signs/Signatures.xml"); "" for an entry at the root.
std::string folder_of(std::string_view entry);

}  // namespace eseal::ofd
