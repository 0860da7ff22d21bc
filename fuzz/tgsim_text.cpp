// tgsim's text parsers (sim/tdapi/text*.cpp): MarkdownV2, Markdown (v1), HTML,
// parseMarkdown's markdown, entity detection and getMarkdownText. Each either
// throws TDLib's "Can't parse entities" error or returns a formattedText whose
// entities lie inside its text (offsets and lengths in UTF-16 code units).
//
// Input: one selector byte, then the text.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "fuzz/check.h"
#include "sim/tdapi/json.h"
#include "sim/tdapi/text.h"

namespace {

using tgsim::Json;

void CheckFormattedText(const Json& text) {
  FUZZ_CHECK(text.is_object() && text.value("@type", "") == "formattedText");
  const std::string& body = text.at("text").get_ref<const std::string&>();
  const int units = tgsim::Utf16Length(body);
  int previous = 0;
  for (const auto& entity : text.at("entities")) {
    int offset = entity.at("offset").get<int>();
    int length = entity.at("length").get<int>();
    FUZZ_CHECK(offset >= 0 && length > 0);
    FUZZ_CHECK(offset + length <= units);
    FUZZ_CHECK(offset >= previous);  // sorted by offset
    previous = offset;
    FUZZ_CHECK(entity.at("type").is_object());
  }
  (void)tgsim::Dump(text);
}

template <typename Parse>
void Try(Parse parse) {
  try {
    Json text = parse();
    CheckFormattedText(text);
    // What getMarkdownText makes of the result must itself be text.
    CheckFormattedText(tgsim::MarkdownFromEntities(text));
  } catch (const tgsim::EntityParseError&) {
  } catch (const std::runtime_error& e) {
    // The parsers' documented failure: TDLib's message for code 400.
    FUZZ_CHECK(std::string_view(e.what()).find("Can't parse entities") != std::string_view::npos);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  // TDLib refuses text that is not UTF-8 before any parser sees it.
  if (!tgsim::IsValidUtf8(text)) return 0;
  switch (data[0] % 6) {
    case 0: Try([&] { return tgsim::ParseMarkdownV2(text); }); break;
    case 1: Try([&] { return tgsim::ParseMarkdownV1(text); }); break;
    case 2: Try([&] { return tgsim::ParseHtml(text); }); break;
    case 3: Try([&] { return tgsim::ParseMarkdownText(tgsim::FormattedText(text)); }); break;
    case 4:
      Try([&] {
        Json detected = tgsim::FormattedText(text);
        detected["entities"] = tgsim::DetectTextEntities(text);
        return detected;
      });
      break;
    case 5: (void)tgsim::LinkEntityType(text); break;
  }
  return 0;
}
