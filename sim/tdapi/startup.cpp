#include "sim/tdapi/startup.h"

#include "sim/tdapi/sync_methods.h"

namespace tgsim {
namespace {

struct StartupOption {
  enum Kind { kInteger, kBool };
  const char* name;
  Kind kind;
  long long value;
};

constexpr StartupOption kOptions[] = {
#include "sim/tdapi/startup_options.inc"
};

}  // namespace

const std::vector<Json>& StartupOptions() {
  static const std::vector<Json> options = [] {
    std::vector<Json> out;
    for (const auto& option : kOptions) {
      Json update;
      update["@type"] = "updateOption";
      update["name"] = option.name;
      update["value"] = option.kind == StartupOption::kBool ? OptionBoolean(option.value != 0)
                                                            : OptionInteger(option.value);
      out.push_back(std::move(update));
    }
    return out;
  }();
  return options;
}

const std::vector<Json>& StartupTrailer() {
  static const std::vector<Json> trailer = {
      Json::parse(R"({"@type":"updateGroupCallMessageLevels","levels":[{"@type":"groupCallMessageLevel",)"
                  R"("min_star_count":0,"pin_duration":0,"max_text_length":30,"max_custom_emoji_count":0,)"
                  R"("first_color":9788635,"second_color":9788635,"background_color":4786075}]})"),
      Json::parse(R"({"@type":"ok"})"),
      Json::parse(R"({"@type":"updateDefaultBackground","for_dark_theme":false})"),
      Json::parse(R"({"@type":"updateDefaultBackground","for_dark_theme":true})"),
      Json::parse(R"({"@type":"updateFileDownloads","total_size":0,"total_count":0,"downloaded_size":0})"),
  };
  return trailer;
}

}  // namespace tgsim
