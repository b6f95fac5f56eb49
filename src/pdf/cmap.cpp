#include "pdf/cmap.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <utility>

#include "pdf/text_encoding.h"

namespace eseal::pdf::text_detail {
namespace {

constexpr std::size_t kMaxCMapEntries = std::size_t{1} << 20;

struct CMapToken {
  enum Kind { kEnd, kBytes, kName, kNumber, kWord, kArrayOpen, kArrayClose };
  Kind kind = kEnd;
  std::string text;  // the bytes of a hex or literal string; a name without '/'; a word
  double number = 0;
};

bool is_space(char ch) {
  return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\0';
}
bool is_delimiter(char ch) {
  return std::strchr("()<>[]{}/%", ch) != nullptr;
}

class CMapLexer {
 public:
  explicit CMapLexer(std::string_view text) : text_(text) {}

  CMapToken next() {
    skip_space();
    CMapToken token;
    if (at_ >= text_.size()) return token;
    char ch = text_[at_++];
    switch (ch) {
      case '[':
        token.kind = CMapToken::kArrayOpen;
        return token;
      case ']':
        token.kind = CMapToken::kArrayClose;
        return token;
      case '<':
        if (at_ < text_.size() && text_[at_] == '<') {
          ++at_;
          return word("<<");
        }
        return hex_string();
      case '>':
        if (at_ < text_.size() && text_[at_] == '>') ++at_;
        return word(">>");
      case '(':
        return literal_string();
      case '/':
        token.kind = CMapToken::kName;
        token.text = regular_run();
        return token;
      case '{':
      case '}':
      case ')':
        return word(std::string(1, ch));
      default:
        break;
    }
    --at_;
    std::string run = regular_run();
    char* end = nullptr;
    double value = std::strtod(run.c_str(), &end);
    if (!run.empty() && end == run.c_str() + run.size() && std::isfinite(value) &&
        run.find_first_not_of("+-.0123456789") == std::string::npos) {
      token.kind = CMapToken::kNumber;
      token.number = value;
      token.text = run;
      return token;
    }
    return word(run.empty() ? std::string(1, text_[at_++]) : run);
  }

 private:
  void skip_space() {
    while (at_ < text_.size()) {
      if (is_space(text_[at_])) {
        ++at_;
      } else if (text_[at_] == '%') {
        while (at_ < text_.size() && text_[at_] != '\n' && text_[at_] != '\r') ++at_;
      } else {
        break;
      }
    }
  }
  std::string regular_run() {
    std::size_t start = at_;
    while (at_ < text_.size() && !is_space(text_[at_]) && !is_delimiter(text_[at_])) ++at_;
    return std::string(text_.substr(start, at_ - start));
  }
  static CMapToken word(std::string text) {
    CMapToken token;
    token.kind = CMapToken::kWord;
    token.text = std::move(text);
    return token;
  }
  CMapToken hex_string() {
    CMapToken token;
    token.kind = CMapToken::kBytes;
    int high = -1;
    while (at_ < text_.size() && text_[at_] != '>') {
      int v = hex_value(text_[at_++]);
      if (v < 0) continue;
      if (high < 0) {
        high = v;
      } else {
        token.text += static_cast<char>(high << 4 | v);
        high = -1;
      }
    }
    if (high >= 0) token.text += static_cast<char>(high << 4);
    if (at_ < text_.size()) ++at_;
    return token;
  }
  CMapToken literal_string() {
    CMapToken token;
    token.kind = CMapToken::kBytes;
    int depth = 1;
    while (at_ < text_.size()) {
      char ch = text_[at_++];
      if (ch == '(') {
        ++depth;
      } else if (ch == ')' && --depth == 0) {
        break;
      } else if (ch == '\\' && at_ < text_.size()) {
        char esc = text_[at_++];
        if (esc >= '0' && esc <= '7') {
          int v = esc - '0';
          for (int k = 0; k < 2 && at_ < text_.size() && text_[at_] >= '0' && text_[at_] <= '7';
               ++k) {
            v = v * 8 + (text_[at_++] - '0');
          }
          ch = static_cast<char>(v & 0xFF);
        } else {
          static constexpr std::string_view kFrom = "nrtbf", kTo = "\n\r\t\b\f";
          auto pos = kFrom.find(esc);
          if (esc == '\r' || esc == '\n') continue;
          ch = pos == std::string_view::npos ? esc : kTo[pos];
        }
      }
      token.text += ch;
    }
    return token;
  }

  std::string_view text_;
  std::size_t at_ = 0;
};

CodeKey code_key(std::uint32_t code, int bytes) {
  return static_cast<CodeKey>(bytes) << 32 | code;
}

bool code_of(const std::string& bytes, std::uint32_t& code) {
  if (bytes.empty() || bytes.size() > 4) return false;
  code = 0;
  for (char ch : bytes) code = code << 8 | static_cast<unsigned char>(ch);
  return true;
}

std::u32string meaningful(std::u32string s) {
  return s == std::u32string(1, U'\0') ? std::u32string{} : s;
}

// A bfchar or bfrange destination: UTF-16BE bytes (a single byte is taken as Latin-1), or a
// glyph name.
std::u32string destination(const CMapToken& token) {
  if (token.kind == CMapToken::kName) return glyph_name_unicode(token.text);
  if (token.kind != CMapToken::kBytes) return {};
  if (token.text.size() == 1) {
    return meaningful(std::u32string(1, static_cast<unsigned char>(token.text[0])));
  }
  return meaningful(decode_utf16(utf16_units(token.text)));
}

}  // namespace

int codespace_length(const std::vector<CodespaceRange>& ranges, std::string_view text) {
  int shortest = 0;
  for (int n = 1; n <= 4; ++n) {
    for (const CodespaceRange& r : ranges) {
      if (r.bytes != n) continue;
      if (shortest == 0) shortest = n;
      if (text.size() < static_cast<std::size_t>(n)) continue;
      bool inside = true;
      for (int k = 0; k < n && inside; ++k) {
        auto b = static_cast<std::uint8_t>(text[static_cast<std::size_t>(k)]);
        inside =
            b >= r.low[static_cast<std::size_t>(k)] && b <= r.high[static_cast<std::size_t>(k)];
      }
      if (inside) return n;
    }
  }
  return shortest;
}

std::u32string CMap::unicode(std::uint32_t code, int bytes) const {
  std::u32string found = unicode_exact(code, bytes);
  if (!found.empty()) return found;
  auto same_length = [&](const CodespaceRange& r) { return r.bytes == bytes; };
  if (std::any_of(codespace_.begin(), codespace_.end(), same_length)) return found;
  for (const CodespaceRange& r : codespace_) {
    if (r.bytes == 4 || code < (std::uint32_t{1} << (8 * r.bytes))) {
      found = unicode_exact(code, r.bytes);
      if (!found.empty()) break;
    }
  }
  return found;
}

std::optional<std::uint32_t> CMap::cid(std::uint32_t code, int bytes) const {
  CodeKey key = code_key(code, bytes);
  if (auto it = cid_chars_.find(key); it != cid_chars_.end()) return it->second;
  auto it = std::upper_bound(cid_ranges_.begin(), cid_ranges_.end(), key,
                             [](CodeKey k, const CidRange& r) { return k < r.low; });
  if (it != cid_ranges_.begin() && key <= std::prev(it)->high) {
    const CidRange& r = *std::prev(it);
    return static_cast<std::uint32_t>(r.cid + (key - r.low));
  }
  if (uses_identity_ && bytes == 2) return code;
  return std::nullopt;
}

std::u32string CMap::unicode_exact(std::uint32_t code, int bytes) const {
  CodeKey key = code_key(code, bytes);
  if (auto it = chars_.find(key); it != chars_.end()) return it->second;
  auto it = std::upper_bound(ranges_.begin(), ranges_.end(), key,
                             [](CodeKey k, const UnicodeRange& r) { return k < r.low; });
  if (it == ranges_.begin() || key > std::prev(it)->high) return {};
  const UnicodeRange& r = *std::prev(it);
  CodeKey offset = key - r.low;
  if (!r.first.empty()) {
    std::vector<std::uint16_t> units = r.first;
    units.back() = static_cast<std::uint16_t>(units.back() + offset);
    return meaningful(decode_utf16(units));
  }
  return offset < r.list.size() ? r.list[offset] : std::u32string{};
}

CMap CMap::parse(std::string_view text, std::string& problem) {
  CMap cmap;
  CMapLexer lexer(text);
  std::size_t entries = 0;
  auto full = [&] {
    if (entries++ < kMaxCMapEntries) return false;
    problem = "more than " + std::to_string(kMaxCMapEntries) + " entries; the rest is ignored";
    return true;
  };
  // Reads the entries of one section, `arity` tokens each, until a word "end…"; an array token
  // brings its items along.
  using Tokens = std::vector<CMapToken>;
  auto section = [&](std::size_t arity, auto&& handle) {
    while (entries <= kMaxCMapEntries) {
      Tokens entry, items;
      while (entry.size() < arity) {
        CMapToken token = lexer.next();
        if (token.kind == CMapToken::kEnd) return;
        if (token.kind == CMapToken::kWord && token.text.rfind("end", 0) == 0) return;
        if (token.kind == CMapToken::kArrayOpen) {
          for (CMapToken item = lexer.next();
               item.kind != CMapToken::kArrayClose && item.kind != CMapToken::kEnd;
               item = lexer.next()) {
            if (items.size() < 65536) items.push_back(std::move(item));
          }
        }
        entry.push_back(std::move(token));
      }
      handle(entry, items);
    }
  };

  CMapToken before_last, last;
  for (CMapToken token = lexer.next(); token.kind != CMapToken::kEnd && entries <= kMaxCMapEntries;
       token = lexer.next()) {
    if (token.kind == CMapToken::kWord) {
      const std::string& w = token.text;
      if (w == "begincodespacerange") {
        section(2, [&](const Tokens& e, const Tokens&) {
          if (e[0].kind != CMapToken::kBytes || e[1].kind != CMapToken::kBytes) return;
          const std::string& lo = e[0].text;
          const std::string& hi = e[1].text;
          if (lo.empty() || lo.size() > 4 || lo.size() != hi.size() || full()) return;
          CodespaceRange r;
          r.bytes = static_cast<int>(lo.size());
          for (std::size_t k = 0; k < lo.size(); ++k) {
            r.low[k] = static_cast<std::uint8_t>(lo[k]);
            r.high[k] = static_cast<std::uint8_t>(hi[k]);
          }
          cmap.codespace_.push_back(r);
        });
      } else if (w == "beginbfchar") {
        section(2, [&](const Tokens& e, const Tokens&) {
          std::uint32_t code = 0;
          if (e[0].kind != CMapToken::kBytes || !code_of(e[0].text, code) || full()) return;
          std::u32string dst = destination(e[1]);
          if (!dst.empty()) cmap.chars_[code_key(code, static_cast<int>(e[0].text.size()))] = dst;
        });
      } else if (w == "beginbfrange") {
        section(3, [&](const Tokens& e, const Tokens& items) {
          std::uint32_t lo = 0, hi = 0;
          if (e[0].kind != CMapToken::kBytes || e[1].kind != CMapToken::kBytes ||
              !code_of(e[0].text, lo) || !code_of(e[1].text, hi) || hi < lo || full()) {
            return;
          }
          int bytes = static_cast<int>(e[0].text.size());
          UnicodeRange r{code_key(lo, bytes), code_key(hi, bytes), {}, {}};
          if (e[2].kind == CMapToken::kArrayOpen) {
            for (const CMapToken& item : items) {
              if (r.list.size() > hi - lo) break;
              r.list.push_back(destination(item));
            }
          } else if (e[2].kind == CMapToken::kBytes && e[2].text.size() >= 2) {
            r.first = utf16_units(e[2].text);
          } else if (e[2].kind == CMapToken::kBytes && e[2].text.size() == 1) {
            r.first = {static_cast<std::uint16_t>(static_cast<unsigned char>(e[2].text[0]))};
          } else {
            return;
          }
          cmap.ranges_.push_back(std::move(r));
        });
      } else if (w == "begincidchar") {
        section(2, [&](const Tokens& e, const Tokens&) {
          std::uint32_t code = 0;
          if (e[0].kind != CMapToken::kBytes || !code_of(e[0].text, code) ||
              e[1].kind != CMapToken::kNumber || e[1].number < 0 || e[1].number > 0xFFFFFFFF ||
              full()) {
            return;
          }
          cmap.cid_chars_[code_key(code, static_cast<int>(e[0].text.size()))] =
              static_cast<std::uint32_t>(e[1].number);
        });
      } else if (w == "begincidrange") {
        section(3, [&](const Tokens& e, const Tokens&) {
          std::uint32_t lo = 0, hi = 0;
          if (e[0].kind != CMapToken::kBytes || e[1].kind != CMapToken::kBytes ||
              !code_of(e[0].text, lo) || !code_of(e[1].text, hi) || hi < lo ||
              e[2].kind != CMapToken::kNumber || e[2].number < 0 || e[2].number > 0xFFFFFFFF ||
              full()) {
            return;
          }
          int bytes = static_cast<int>(e[0].text.size());
          cmap.cid_ranges_.push_back(
              {code_key(lo, bytes), code_key(hi, bytes), static_cast<std::uint32_t>(e[2].number)});
        });
      } else if (w == "usecmap" && last.kind == CMapToken::kName) {
        if (last.text.rfind("Identity-", 0) == 0) cmap.uses_identity_ = true;
        if (last.text == "Identity-V") cmap.vertical_ = true;
      } else if (w == "def" && before_last.kind == CMapToken::kName &&
                 before_last.text == "WMode" && last.kind == CMapToken::kNumber) {
        cmap.vertical_ = last.number == 1;
      }
    }
    before_last = std::move(last);
    last = std::move(token);
  }
  auto by_low = [](const auto& x, const auto& y) { return x.low < y.low; };
  std::stable_sort(cmap.ranges_.begin(), cmap.ranges_.end(), by_low);
  std::stable_sort(cmap.cid_ranges_.begin(), cmap.cid_ranges_.end(), by_low);
  return cmap;
}

}  // namespace eseal::pdf::text_detail
