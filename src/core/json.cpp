#include "core/json.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/text.hpp"

namespace rm {

const Json* Json::find(std::string_view key) const {
  if (!is_object()) return nullptr;
  for (const auto& [k, v] : as_object())
    if (k == key) return &v;
  return nullptr;
}

Json* Json::find(std::string_view key) { return const_cast<Json*>(static_cast<const Json*>(this)->find(key)); }

Json& Json::set(std::string key, Json value) {
  if (Json* existing = find(key)) {
    *existing = std::move(value);
    return *existing;
  }
  auto& obj = as_object();
  obj.emplace_back(std::move(key), std::move(value));
  return obj.back().second;
}

void Json::wrong_kind(Kind wanted) const {
  std::fprintf(stderr, "remotemedia: internal error: JSON %s used as %s\n", kind_name(kind_), kind_name(wanted));
  std::abort();
}

void Json::reset() noexcept {
  switch (kind_) {
    case Kind::String: s_.~basic_string(); break;
    case Kind::Array: a_.~Array(); break;
    case Kind::Object: o_.~Object(); break;
    default: break;
  }
  kind_ = Kind::Null;
}

void Json::copy_from(const Json& other) {
  switch (other.kind_) {
    case Kind::String: new (&s_) std::string(other.s_); break;
    case Kind::Array: new (&a_) Array(other.a_); break;
    case Kind::Object: new (&o_) Object(other.o_); break;
    case Kind::Bool: b_ = other.b_; break;
    case Kind::Int: i_ = other.i_; break;
    case Kind::Float: d_ = other.d_; break;
    case Kind::Null: break;
  }
  kind_ = other.kind_;
}

void Json::move_from(Json& other) noexcept {
  switch (other.kind_) {
    case Kind::String: new (&s_) std::string(std::move(other.s_)); break;
    case Kind::Array: new (&a_) Array(std::move(other.a_)); break;
    case Kind::Object: new (&o_) Object(std::move(other.o_)); break;
    case Kind::Bool: b_ = other.b_; break;
    case Kind::Int: i_ = other.i_; break;
    case Kind::Float: d_ = other.d_; break;
    case Kind::Null: break;
  }
  kind_ = other.kind_;
  other.reset();
}

bool operator==(const Json& a, const Json& b) {
  if (a.kind_ != b.kind_) return false;
  switch (a.kind_) {
    case Json::Kind::Null: return true;
    case Json::Kind::Bool: return a.b_ == b.b_;
    case Json::Kind::Int: return a.i_ == b.i_;
    case Json::Kind::Float: return a.d_ == b.d_;
    case Json::Kind::String: return a.s_ == b.s_;
    case Json::Kind::Array: return a.a_ == b.a_;
    case Json::Kind::Object: return a.o_ == b.o_;
  }
  return false;
}

const char* kind_name(Json::Kind kind) {
  switch (kind) {
    case Json::Kind::Null: return "null";
    case Json::Kind::Bool: return "boolean";
    case Json::Kind::Int: return "integer";
    case Json::Kind::Float: return "number";
    case Json::Kind::String: return "string";
    case Json::Kind::Array: return "array";
    case Json::Kind::Object: return "object";
  }
  return "unknown";
}

// ---------------------------------------------------------------------------------------------
// Serialization

void append_json_string(std::string& out, std::string_view s) {
  static const char* hex = "0123456789abcdef";
  out.push_back('"');
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out.push_back(hex[c >> 4]);
          out.push_back(hex[c & 15]);
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
}

static void append_float(std::string& out, double d) {
  if (!std::isfinite(d)) {  // JSON has no NaN or infinity
    out += "null";
    return;
  }
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  std::string_view text(buf, static_cast<size_t>(end - buf));
  out += text;
  // Keep floats recognisable as floats ("4.0", not "4"), as Python's json does.
  if (text.find_first_of(".eE") == std::string_view::npos) out += ".0";
}

static void dump_impl(const Json& j, std::string& out, int indent, int depth) {
  auto newline = [&](int d) {
    if (indent < 0) return;
    out.push_back('\n');
    out.append(static_cast<size_t>(indent * d), ' ');
  };
  switch (j.kind()) {
    case Json::Kind::Null: out += "null"; break;
    case Json::Kind::Bool: out += j.as_bool() ? "true" : "false"; break;
    case Json::Kind::Int: {
      char buf[32];
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, j.as_int());
      out.append(buf, end);
      break;
    }
    case Json::Kind::Float: append_float(out, j.as_float()); break;
    case Json::Kind::String: append_json_string(out, j.as_string()); break;
    case Json::Kind::Array: {
      const auto& a = j.as_array();
      out.push_back('[');
      for (size_t i = 0; i < a.size(); ++i) {
        if (i) out.push_back(',');
        newline(depth + 1);
        dump_impl(a[i], out, indent, depth + 1);
      }
      if (!a.empty()) newline(depth);
      out.push_back(']');
      break;
    }
    case Json::Kind::Object: {
      const auto& o = j.as_object();
      out.push_back('{');
      for (size_t i = 0; i < o.size(); ++i) {
        if (i) out.push_back(',');
        newline(depth + 1);
        append_json_string(out, o[i].first);
        out += indent < 0 ? ":" : ": ";
        dump_impl(o[i].second, out, indent, depth + 1);
      }
      if (!o.empty()) newline(depth);
      out.push_back('}');
      break;
    }
  }
}

void Json::dump_to(std::string& out) const { dump_impl(*this, out, -1, 0); }

std::string Json::dump() const {
  std::string out;
  dump_to(out);
  return out;
}

std::string Json::dump_pretty(int indent) const {
  std::string out;
  dump_impl(*this, out, indent, 0);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Parsing

namespace {

// Deep enough for any real document, shallow enough never to overflow a 1 MiB wasm stack.
constexpr int kMaxDepth = 256;

// Objects up to this many keys are checked for a duplicate key as each key comes; larger ones
// once complete, by sorting (n log n, whatever the keys: a hash table could be made to collide).
constexpr std::size_t kScannedKeys = 8;

class Parser {
 public:
  Parser(std::string_view text, JsonParseStats* stats) : s_(text), stats_(stats) {}

  Result<Json> parse_document() {
    skip_ws();
    Json value;
    if (auto r = parse_value(value, 0); !r) return std::unexpected(r.error());
    skip_ws();
    if (pos_ != s_.size()) return error("unexpected content after the JSON value");
    return value;
  }

 private:
  std::unexpected<Error> error(std::string what) const {
    // Line and column of pos_, columns counted in UTF-8 characters.
    int line = 1, column = 1;
    for (size_t i = 0; i < pos_ && i < s_.size(); ++i) {
      auto c = static_cast<unsigned char>(s_[i]);
      if (c == '\n') {
        ++line;
        column = 1;
      } else if ((c & 0xC0) != 0x80) {
        ++column;
      }
    }
    Error e;
    e.kind = ErrorKind::InvalidInput;
    e.code = "malformed_json";
    e.message = "malformed JSON at line " + std::to_string(line) + ", column " + std::to_string(column) + ": " + what;
    e.line = line;
    e.column = column;
    return std::unexpected(std::move(e));
  }

  bool at_end() const { return pos_ >= s_.size(); }
  char peek() const { return at_end() ? '\0' : s_[pos_]; }

  void skip_ws() {
    while (!at_end()) {
      char c = s_[pos_];
      if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
        ++pos_;
      else
        break;
    }
  }

  std::string describe_here() const {
    if (at_end()) return "end of input";
    char c = s_[pos_];
    if (static_cast<unsigned char>(c) < 0x20) return "a control character";
    return std::string("'") + c + "'";
  }

  Result<> parse_value(Json& out, int depth) {
    if (depth > kMaxDepth) return error("nesting deeper than " + std::to_string(kMaxDepth));
    switch (peek()) {
      case '{': return parse_object(out, depth);
      case '[': return parse_array(out, depth);
      case '"': {
        std::string s;
        RM_CHECK(parse_string(s));
        out = Json(std::move(s));
        return {};
      }
      case 't': return parse_literal("true", Json(true), out);
      case 'f': return parse_literal("false", Json(false), out);
      case 'n': return parse_literal("null", Json(nullptr), out);
      default:
        if (peek() == '-' || (peek() >= '0' && peek() <= '9')) return parse_number(out);
        return error("expected a value, found " + describe_here());
    }
  }

  Result<> parse_literal(std::string_view word, Json value, Json& out) {
    if (s_.substr(pos_, word.size()) != word) return error("invalid literal, expected " + std::string(word));
    pos_ += word.size();
    out = std::move(value);
    return {};
  }

  Result<> parse_number(Json& out) {
    size_t start = pos_;
    bool is_float = false;
    if (peek() == '-') ++pos_;
    if (peek() == '0') {
      ++pos_;
    } else if (peek() >= '1' && peek() <= '9') {
      while (peek() >= '0' && peek() <= '9') ++pos_;
    } else {
      return error("invalid number, expected a digit");
    }
    if (peek() == '.') {
      is_float = true;
      ++pos_;
      if (!(peek() >= '0' && peek() <= '9')) return error("invalid number, expected a digit after '.'");
      while (peek() >= '0' && peek() <= '9') ++pos_;
    }
    if (peek() == 'e' || peek() == 'E') {
      is_float = true;
      ++pos_;
      if (peek() == '+' || peek() == '-') ++pos_;
      if (!(peek() >= '0' && peek() <= '9')) return error("invalid number, expected an exponent");
      while (peek() >= '0' && peek() <= '9') ++pos_;
    }
    const char* first = s_.data() + start;
    const char* last = s_.data() + pos_;
    if (!is_float) {
      std::int64_t i = 0;
      auto [p, ec] = std::from_chars(first, last, i);
      if (ec == std::errc() && p == last) {
        out = Json(static_cast<long long>(i));
        return {};
      }
      // Integers beyond 64 bits become floats, as in JavaScript.
    }
    // strtod, not from_chars: WASI's libc++ 16 has no floating-point from_chars. Both libcs
    // round correctly, and the "C" locale is the only one either process ever uses.
    std::string digits(first, last);
    errno = 0;
    double d = std::strtod(digits.c_str(), nullptr);
    if (errno == ERANGE && std::isinf(d)) {
      pos_ = start;
      return error("number out of range");
    }
    out = Json(d);
    return {};
  }

  Result<> parse_hex4(unsigned& cp) {
    cp = 0;
    for (int i = 0; i < 4; ++i) {
      char c = peek();
      unsigned v;
      if (c >= '0' && c <= '9')
        v = static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f')
        v = static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        v = static_cast<unsigned>(c - 'A' + 10);
      else
        return error("invalid \\u escape, expected 4 hex digits");
      cp = cp * 16 + v;
      ++pos_;
    }
    return {};
  }

  static void append_utf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  Result<> parse_string(std::string& out) {
    ++pos_;  // opening quote
    while (true) {
      if (at_end()) return error("unterminated string");
      char c = s_[pos_];
      if (c == '"') {
        ++pos_;
        return {};
      }
      if (static_cast<unsigned char>(c) < 0x20) return error("control character in string (escape it)");
      if (static_cast<unsigned char>(c) >= 0x80) {
        // One whole UTF-8 character: invalid bytes are refused here, never echoed back later.
        const auto u = static_cast<unsigned char>(c);
        const std::size_t n = (u >> 5) == 0x6 ? 2 : (u >> 4) == 0xE ? 3 : (u >> 3) == 0x1E ? 4 : 0;
        if (n == 0 || n > s_.size() - pos_ || !valid_utf8(s_.substr(pos_, n))) return error("invalid UTF-8 in string");
        out.append(s_.substr(pos_, n));
        pos_ += n;
        continue;
      }
      if (c != '\\') {
        out.push_back(c);
        ++pos_;
        continue;
      }
      ++pos_;
      char e = peek();
      ++pos_;
      switch (e) {
        case '"': out.push_back('"'); break;
        case '\\': out.push_back('\\'); break;
        case '/': out.push_back('/'); break;
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        case 'u': {
          unsigned cp;
          RM_CHECK(parse_hex4(cp));
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (s_.substr(pos_, 2) != "\\u") return error("unpaired UTF-16 surrogate in \\u escape");
            pos_ += 2;
            unsigned low;
            RM_CHECK(parse_hex4(low));
            if (low < 0xDC00 || low > 0xDFFF) return error("invalid UTF-16 low surrogate in \\u escape");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return error("unpaired UTF-16 surrogate in \\u escape");
          }
          append_utf8(out, cp);
          break;
        }
        default: --pos_; return error("invalid escape sequence");
      }
    }
  }

  Result<> parse_array(Json& out, int depth) {
    ++pos_;
    Json::Array items;
    skip_ws();
    if (peek() == ']') {
      ++pos_;
      out = Json(std::move(items));
      return {};
    }
    while (true) {
      skip_ws();
      items.emplace_back();
      RM_CHECK(parse_value(items.back(), depth + 1));
      skip_ws();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == ']') {
        ++pos_;
        out = Json(std::move(items));
        return {};
      }
      return error("expected ',' or ']' in array, found " + describe_here());
    }
  }

  Result<> parse_object(Json& out, int depth) {
    ++pos_;
    Json::Object members;
    std::vector<std::size_t> key_positions;  // where each key starts, for a duplicate's error
    skip_ws();
    if (peek() == '}') {
      ++pos_;
      out = Json(std::move(members));
      return {};
    }
    while (true) {
      skip_ws();
      if (peek() != '"') return error("expected a string key in object, found " + describe_here());
      size_t key_pos = pos_;
      std::string key;
      RM_CHECK(parse_string(key));
      if (members.size() < kScannedKeys) {
        for (const auto& m : members) {
          count_comparison();
          if (m.first == key) return duplicate_key(key, key_pos);
        }
      }
      skip_ws();
      if (peek() != ':') return error("expected ':' after object key, found " + describe_here());
      ++pos_;
      skip_ws();
      Json value;
      RM_CHECK(parse_value(value, depth + 1));
      members.emplace_back(std::move(key), std::move(value));
      key_positions.push_back(key_pos);
      skip_ws();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == '}') {
        const std::size_t end = pos_;
        RM_CHECK(check_duplicate_keys(members, key_positions));
        pos_ = end + 1;
        out = Json(std::move(members));
        return {};
      }
      return error("expected ',' or '}' in object, found " + describe_here());
    }
  }

  // The first repeated key in document order, in an object too large to have been scanned.
  Result<> check_duplicate_keys(const Json::Object& members, const std::vector<std::size_t>& key_positions) {
    if (members.size() <= kScannedKeys) return {};
    std::vector<std::size_t> order(members.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      count_comparison();
      return members[a].first < members[b].first;
    });
    std::size_t first = members.size();
    for (std::size_t i = 1; i < order.size(); ++i) {
      count_comparison();
      if (members[order[i]].first == members[order[i - 1]].first) first = std::min(first, order[i]);
    }
    if (first == members.size()) return {};
    return duplicate_key(members[first].first, key_positions[first]);
  }

  std::unexpected<Error> duplicate_key(const std::string& key, std::size_t key_pos) {
    pos_ = key_pos;
    return error("duplicate key \"" + clipped(key) + "\" in object");
  }

  void count_comparison() {
    if (stats_) ++stats_->key_comparisons;
  }

  std::string_view s_;
  JsonParseStats* stats_;
  size_t pos_ = 0;
};

}  // namespace

Result<Json> parse_json(std::string_view text, JsonParseStats* stats) { return Parser(text, stats).parse_document(); }

}  // namespace rm
