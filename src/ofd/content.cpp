#include "ofd/content.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <set>

namespace eseal::ofd {

std::vector<std::string_view> array_tokens(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t at = 0;
  while (at < text.size()) {
    while (at < text.size() && std::isspace(static_cast<unsigned char>(text[at]))) ++at;
    std::size_t begin = at;
    while (at < text.size() && !std::isspace(static_cast<unsigned char>(text[at]))) ++at;
    if (at > begin) out.push_back(text.substr(begin, at - begin));
  }
  return out;
}

std::optional<double> parse_number(std::string_view token) {
  double v = 0;
  auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), v);
  if (ec != std::errc() || end != token.data() + token.size() || !std::isfinite(v)) {
    return std::nullopt;
  }
  return v;
}

Error bad_number(const std::string& what, std::string_view value) {
  return Error::invalid_input(what + " \"" + std::string(value) + "\" is not a valid number list");
}

Result<double> number_attribute(pugi::xml_node node, std::string_view name, double fallback,
                                const std::string& where) {
  pugi::xml_attribute a = attribute(node, name);
  if (!a) return fallback;
  std::vector<std::string_view> t = array_tokens(a.value());
  auto v = t.size() == 1 ? parse_number(t[0]) : std::nullopt;
  if (!v) return bad_number(where + ": " + std::string(name), a.value());
  return *v;
}

Result<std::vector<double>> expand_deltas(std::string_view text, std::size_t count,
                                          const std::string& what) {
  std::vector<double> out;
  std::vector<std::string_view> t = array_tokens(text);
  for (std::size_t i = 0; i < t.size() && out.size() < count; ++i) {
    if (t[i] == "g") {
      if (i + 2 >= t.size()) return bad_number(what, text);
      std::uint64_t n = 0;
      auto [end, ec] = std::from_chars(t[i + 1].data(), t[i + 1].data() + t[i + 1].size(), n);
      auto v = parse_number(t[i + 2]);
      if (ec != std::errc() || end != t[i + 1].data() + t[i + 1].size() || !v) {
        return bad_number(what, text);
      }
      n = std::min<std::uint64_t>(n, count - out.size());
      out.insert(out.end(), static_cast<std::size_t>(n), *v);
      i += 2;
    } else {
      auto v = parse_number(t[i]);
      if (!v) return bad_number(what, text);
      out.push_back(*v);
    }
  }
  if (!out.empty()) {
    const double last = out.back();
    out.resize(count, last);
  }
  return out;
}

Result<std::optional<Matrix>> ctm_attribute(pugi::xml_node node, const std::string& where) {
  pugi::xml_attribute a = attribute(node, "CTM");
  if (!a) return std::optional<Matrix>();
  std::vector<std::string_view> t = array_tokens(a.value());
  Matrix m{};
  if (t.size() != 6) return bad_number(where + ": CTM", a.value());
  for (std::size_t i = 0; i < 6; ++i) {
    auto v = parse_number(t[i]);
    if (!v) return bad_number(where + ": CTM", a.value());
    m[i] = *v;
  }
  return std::optional<Matrix>(m);
}

std::string code_text(pugi::xml_node code) {
  std::string out;
  for (pugi::xml_node n = code.first_child(); n; n = n.next_sibling()) {
    if (n.type() == pugi::node_pcdata || n.type() == pugi::node_cdata) out += n.value();
  }
  return out;
}

Result<std::unique_ptr<pugi::xml_document>> read_xml(const Package& package,
                                                     const std::string& path) {
  auto bytes = package.read(path);
  if (!bytes) return bytes.error();
  return parse_xml(*bytes, path, package.limits().max_xml_depth);
}

Result<std::map<std::string, std::string>> template_pages(const Package& package,
                                                          const DocBody& body) {
  std::map<std::string, std::string> out;
  if (body.document_path.empty() || !package.contains(body.document_path)) return out;
  auto xml = read_xml(package, body.document_path);
  if (!xml) return xml.error();
  pugi::xml_node common = child((*xml)->document_element(), "CommonData");
  for (pugi::xml_node t : children(common, "TemplatePage")) {
    auto path = resolve_path(body.document_path, attribute(t, "BaseLoc").value());
    out.emplace(attribute(t, "ID").value(), path ? *path : std::string());
  }
  return out;
}

namespace {

Result<doc::PageSize> box_size(const doc::RectMm& box, const std::string& where) {
  if (!(box.width > 0 && box.height > 0)) {
    return Error::invalid_input(where + ": the PhysicalBox has no positive width and height");
  }
  return doc::PageSize{box.width, box.height};
}

}  // namespace

Result<doc::PageSize> page_size_of(pugi::xml_node page, doc::PageSize fallback,
                                   const std::string& path) {
  pugi::xml_node box = child(child(page, "Area"), "PhysicalBox");
  if (!box) return fallback;
  auto r = parse_box(text(box));
  if (!r) return r.error().with_context(path + ": Area/PhysicalBox");
  return box_size(*r, path);
}

Result<doc::PageSize> default_page_size(const DocBody& body) {
  if (!body.physical_box) return doc::PageSize{210, 297};
  return box_size(*body.physical_box, body.document_path);
}

PageFiles page_templates(const Package& package, pugi::xml_node page,
                         const std::map<std::string, std::string>& templates,
                         std::vector<std::string>& problems) {
  PageFiles out;
  std::set<std::string> seen;
  for (pugi::xml_node t : children(page, "Template")) {
    std::string id = attribute(t, "TemplateID").value();
    if (!seen.insert(id).second) continue;  // a template is drawn once, however often named
    auto found = templates.find(id);
    if (found == templates.end() || !package.contains(found->second)) {
      problems.push_back("Template " + id + " names no template page in the package");
      continue;
    }
    (std::string_view(attribute(t, "ZOrder").value()) == "Foreground" ? out.foreground
                                                                      : out.background)
        .push_back(found->second);
  }
  return out;
}

}  // namespace eseal::ofd
