// A multipart/form-data request body received by the server: its plain fields
// in memory, its files sealed in the upload directory as they arrive
// (service::StagedFile). Files nobody took are removed with the upload.
// Handlers take files by moving them out of `files`.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/multipart.h"
#include "service/media/staged_file.h"

namespace tgmux::api {

struct FormUpload {
  std::map<std::string, std::string> fields;
  std::vector<service::StagedFile> files;

  // The field's value, or nullopt.
  std::optional<std::string> Field(const std::string& name) const;
};

// Receives the parts of one body into a FormUpload. Plain fields are limited
// to 64 KiB each and 64 in all; file parts go to sealed files in `directory`
// under random names. Throws Error(invalid_request) naming the field.
class FormUploadSink : public PartSink {
 public:
  explicit FormUploadSink(std::filesystem::path directory);
  ~FormUploadSink() override;

  void Begin(const PartHeaders& headers) override;
  void Data(std::string_view bytes) override;
  void End() override;

  // The finished upload; call once, after the parser's Finish.
  std::shared_ptr<FormUpload> Take();

 private:
  struct OpenFile;
  std::filesystem::path directory_;
  std::shared_ptr<FormUpload> upload_ = std::make_shared<FormUpload>();
  PartHeaders current_;
  std::string value_;
  std::unique_ptr<OpenFile> file_;
};

}  // namespace tgmux::api
