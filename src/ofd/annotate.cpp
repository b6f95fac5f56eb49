#include "ofd/annotate.h"

#include <algorithm>
#include <cstdlib>

#include "ofd/xml.h"

namespace eseal::ofd {

const std::string kOfdNamespaceAttribute = " xmlns:ofd=\"" + std::string(kOfdNamespace) + "\"";

Status insert_before(std::string& xml, const std::string& prefix,
                     const std::vector<std::string_view>& followers, std::string_view parent,
                     const std::string& fragment, const std::string& name) {
  std::size_t at = std::string::npos;
  for (std::string_view f : followers)
    at = std::min(at, find_start_tag(xml, prefix + std::string(f)));
  if (at == std::string::npos) at = xml.rfind("</" + prefix + std::string(parent) + ">");
  if (at == std::string::npos) return Error::invalid_input(name + ": cannot find where to insert");
  xml.insert(at, fragment);
  return ok_status();
}

namespace {

// IDs are numbered on from the highest; one this high is a broken file, not a document.
constexpr long kMaxId = 1'000'000'000'000;

// The highest ID="n" among the package's XML files.
Result<long> highest_id(const Package& package) {
  long highest = 0;
  for (const std::string& name : package.files()) {
    if (!name.ends_with(".xml")) continue;
    auto bytes = package.read(name);
    if (!bytes) return bytes.error();
    std::string_view xml(reinterpret_cast<const char*>(bytes->data()), bytes->size());
    for (std::size_t at = xml.find(" ID=\""); at != std::string_view::npos;
         at = xml.find(" ID=\"", at + 5)) {
      long id = std::strtol(std::string(xml.substr(at + 5, 12)).c_str(), nullptr, 10);
      if (id >= kMaxId)
        return Error::invalid_input(name + ": an ID past " + std::to_string(kMaxId));
      highest = std::max(highest, id);
    }
  }
  return highest;
}

}  // namespace

Result<DocumentEdit> DocumentEdit::open(const Package& package, const DocBody& body) {
  DocumentEdit e;
  e.package_ = &package;
  e.body_ = &body;
  auto bytes = package.read(body.document_path);
  if (!bytes) return bytes.error();
  e.document_xml_ = to_string(*bytes);
  auto parsed = parse_xml(*bytes, body.document_path, package.limits().max_xml_depth);
  if (!parsed) return parsed.error();
  pugi::xml_node root = (*parsed)->document_element();
  e.prefix_ = prefix_of(root.name());
  if (pugi::xml_node max_unit = child(child(root, "CommonData"), "MaxUnitID")) {
    e.max_unit_name_ = max_unit.name();
    e.last_id_ = std::strtol(text(max_unit).c_str(), nullptr, 10);
    if (e.last_id_ < 0 || e.last_id_ >= kMaxId)
      return Error::invalid_input(body.document_path + ": MaxUnitID is out of range");
  } else {
    // GB/T 33190 requires MaxUnitID; without it, new objects are numbered past every ID any
    // of the package's XML files gives.
    auto highest = highest_id(package);
    if (!highest) return highest.error();
    e.last_id_ = *highest;
  }
  return e;
}

Result<std::string> DocumentEdit::current(const std::string& path) const {
  if (path == body_->document_path) return document_xml_;
  if (auto it = replaced_.find(path); it != replaced_.end()) return it->second;
  auto bytes = package_->read(path);
  if (!bytes) return bytes.error();
  return to_string(*bytes);
}

void DocumentEdit::put(const std::string& path, std::string content) {
  if (path == body_->document_path) {
    document_xml_ = std::move(content);
  } else {
    replaced_[path] = std::move(content);
  }
}

Status DocumentEdit::add_annotations(const std::map<int, std::string>& annots,
                                     const std::string& file_name) {
  const std::string& document_path = body_->document_path;
  auto parsed = parse_xml(as_bytes(document_xml_), document_path, package_->limits().max_xml_depth);
  if (!parsed) return parsed.error();
  std::string annotations_loc = text(child((*parsed)->document_element(), "Annotations"));
  std::string annotations_path = folder_of(document_path) + "Annots/Annotations.xml";
  if (!annotations_loc.empty()) {
    auto resolved = resolve_path(document_path, annotations_loc);
    if (!resolved) return resolved.error().with_context(document_path + ": Annotations");
    annotations_path = *resolved;
  }
  std::map<std::string, std::string> existing;  // page ID -> annotation file entry
  std::string annotations_xml;
  if (annotations_loc.empty()) {
    annotations_xml = std::string(kXmlDeclaration) + "<ofd:Annotations" + kOfdNamespaceAttribute +
                      "></ofd:Annotations>\n";
    auto s = insert_before(
        document_xml_, prefix_, {"CustomTags", "Extensions"}, "Document",
        "<" + prefix_ + "Annotations>Annots/Annotations.xml</" + prefix_ + "Annotations>",
        document_path);
    if (!s) return s;
  } else {
    auto current_list = current(annotations_path);
    if (!current_list) return current_list.error();
    annotations_xml = std::move(*current_list);
    auto list =
        parse_xml(as_bytes(annotations_xml), annotations_path, package_->limits().max_xml_depth);
    if (!list) return list.error();
    for (pugi::xml_node page : children((*list)->document_element(), "Page")) {
      auto path = resolve_path(annotations_path, text(child(page, "FileLoc")));
      if (path) existing[attribute(page, "PageID").value()] = *path;
    }
  }
  auto list =
      parse_xml(as_bytes(annotations_xml), annotations_path, package_->limits().max_xml_depth);
  if (!list) return list.error();
  std::string root = (*list)->document_element().name();
  std::string prefix = prefix_of(root);
  for (const auto& [page, xml] : annots) {
    if (page < 0 || page >= static_cast<int>(body_->pages.size()))
      return Error::invalid_input("page " + std::to_string(page + 1) + " does not exist");
    const std::string& page_id = body_->pages[page].id;
    if (auto it = existing.find(page_id);
        it != existing.end() && (package_->contains(it->second) || replaced_.count(it->second))) {
      auto file = current(it->second);
      if (!file) return file.error();
      auto page_annot = parse_xml(as_bytes(*file), it->second, package_->limits().max_xml_depth);
      if (!page_annot) return page_annot.error();
      std::string page_root = (*page_annot)->document_element().name();
      std::size_t at = file->rfind("</" + page_root + ">");
      if (at == std::string::npos)
        return Error::invalid_input(it->second + ": cannot find the end of PageAnnot");
      // Our annotations use the "ofd:" prefix; declare it on each when the file has another.
      std::string ours = xml;
      if (prefix_of(page_root) != "ofd:") {
        for (std::size_t p = ours.find("<ofd:Annot "); p != std::string::npos;
             p = ours.find("<ofd:Annot ", p + 1))
          ours.insert(p + 10, kOfdNamespaceAttribute);
      }
      file->insert(at, ours);
      put(it->second, std::move(*file));
      continue;
    }
    std::string file = "Page_" + std::to_string(page) + "/" + file_name;
    put(folder_of(annotations_path) + file, std::string(kXmlDeclaration) + "<ofd:PageAnnot" +
                                                kOfdNamespaceAttribute + ">" + xml +
                                                "</ofd:PageAnnot>\n");
    std::size_t at = annotations_xml.rfind("</" + root + ">");
    if (at == std::string::npos)
      return Error::invalid_input(annotations_path + ": cannot find the end of Annotations");
    annotations_xml.insert(at, "<" + prefix + "Page PageID=\"" + escape(page_id) + "\"><" + prefix +
                                   "FileLoc>" + file + "</" + prefix + "FileLoc></" + prefix +
                                   "Page>");
    existing[page_id] = folder_of(annotations_path) + file;
  }
  put(annotations_path, std::move(annotations_xml));
  return ok_status();
}

Status DocumentEdit::finish(PackageEdit& edit) {
  if (!max_unit_name_.empty()) {
    std::string open = "<" + max_unit_name_ + ">";
    std::size_t from = document_xml_.find(open);
    std::size_t to = document_xml_.find("</" + max_unit_name_ + ">", from);
    if (from == std::string::npos || to == std::string::npos)
      return Error::invalid_input(body_->document_path + ": cannot find MaxUnitID");
    document_xml_.replace(from + open.size(), to - from - open.size(), std::to_string(last_id_));
  }
  edit.put.emplace_back(body_->document_path, to_bytes(document_xml_));
  for (auto& [path, content] : replaced_) edit.put.emplace_back(path, to_bytes(content));
  replaced_.clear();
  return ok_status();
}

}  // namespace eseal::ofd
