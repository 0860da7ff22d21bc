#include "sim/conformance/dts_reader.h"

#include <stdexcept>

namespace tgsim::conformance::detail {
namespace {

constexpr std::string_view kExport = "export type ";

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

bool IsIdentifier(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '$';
    if (!ok) return false;
  }
  return true;
}

class Reader {
 public:
  RawDts Read(std::string_view text);

 private:
  enum class State { kTop, kBlock, kUnion, kResults, kSkipBlock };

  void Line(std::string_view line);
  void TopLine(std::string_view line);
  void UnionLine(std::string_view line);
  void ResultLine(std::string_view line);
  void FieldLine(std::string_view line);
  [[noreturn]] void Fail(std::string_view what) const;

  RawDts dts_;
  State state_ = State::kTop;
  std::string union_name_;
  bool in_comment_ = false;
  std::size_t line_number_ = 0;
};

RawDts Reader::Read(std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    ++line_number_;
    std::string_view line = Trim(text.substr(pos, end - pos));
    if (line_number_ == 1) dts_.header = std::string(line);
    Line(line);
    pos = end + 1;
  }
  if (state_ == State::kBlock || state_ == State::kResults || in_comment_) {
    Fail("unexpected end of file");
  }
  return std::move(dts_);
}

void Reader::Line(std::string_view line) {
  if (in_comment_) {
    in_comment_ = line.find("*/") == std::string_view::npos;
    return;
  }
  if (line.empty() || line.starts_with("//")) return;
  if (line.starts_with("/*")) {
    in_comment_ = line.find("*/") == std::string_view::npos;
    return;
  }
  switch (state_) {
    case State::kTop:
      return TopLine(line);
    case State::kUnion:
      return UnionLine(line);
    case State::kBlock:
      if (line == "}") {
        state_ = State::kTop;
        return;
      }
      return FieldLine(line);
    case State::kResults:
      if (line == "}") {
        state_ = State::kTop;
        return;
      }
      return ResultLine(line);
    case State::kSkipBlock:
      if (line == "}") state_ = State::kTop;
      return;
  }
}

void Reader::UnionLine(std::string_view line) {
  if (!line.starts_with("| ")) {
    state_ = State::kTop;
    return TopLine(line);
  }
  std::string_view member = Trim(line.substr(2));
  if (member.size() >= 2 && member.front() == '\'') {
    dts_.sync_functions.emplace_back(member.substr(1, member.size() - 2));  // $SyncFunctionName
  } else {
    dts_.unions[union_name_].emplace_back(member);
  }
}

void Reader::ResultLine(std::string_view line) {
  std::size_t colon = line.find(": ");
  if (colon == std::string_view::npos || !line.ends_with(",")) Fail("bad result entry");
  std::string_view type = line.substr(colon + 2, line.size() - colon - 3);
  dts_.results.emplace_back(line.substr(0, colon), type);
}

void Reader::TopLine(std::string_view line) {
  if (!line.starts_with(kExport)) return;  // `declare module`, the closing brace, Invoke's body
  std::string_view rest = line.substr(kExport.size());
  std::size_t eq = rest.find(" =");
  if (eq == std::string_view::npos) Fail("expected `=`");
  std::string name(rest.substr(0, eq));
  std::string_view rhs = Trim(rest.substr(eq + 2));
  if (rhs == "{") {
    if (name == "$FunctionResultByName") {
      state_ = State::kResults;
    } else if (name.starts_with("$")) {
      state_ = State::kSkipBlock;
    } else {
      state_ = State::kBlock;
      dts_.blocks.push_back(RawBlock{std::move(name), false, {}});
    }
  } else if (rhs.empty()) {
    state_ = State::kUnion;
    union_name_ = std::move(name);
  } else if (IsIdentifier(rhs)) {
    dts_.aliases.emplace(std::move(name), rhs);
  }
}

void Reader::FieldLine(std::string_view line) {
  bool is_readonly = line.starts_with("readonly ");
  if (is_readonly) line.remove_prefix(9);
  std::size_t colon = line.find(':');
  if (colon == std::string_view::npos || !line.ends_with(",")) Fail("bad field line");
  std::string_view name = line.substr(0, colon);
  bool optional = name.ends_with("?");
  if (optional) name.remove_suffix(1);
  std::string_view type = Trim(line.substr(colon + 1, line.size() - colon - 2));
  RawBlock& block = dts_.blocks.back();
  if (name == "_") {
    block.readonly_tag = is_readonly;
    std::string tag = "'" + block.name.substr(0, block.name.find('$')) + "'";
    if (type != tag) Fail("discriminator does not match the type name");
    return;
  }
  if (!IsIdentifier(name) || type.empty()) Fail("bad field line");
  block.fields.push_back(RawField{std::string(name), std::string(type), optional});
}

void Reader::Fail(std::string_view what) const {
  throw std::runtime_error("tdlib-types.d.ts line " + std::to_string(line_number_) + ": " +
                           std::string(what));
}

}  // namespace

RawDts ReadDts(std::string_view text) { return Reader().Read(text); }

}  // namespace tgsim::conformance::detail
