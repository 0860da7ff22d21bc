#include "api/form_upload.h"

#include "common/error.h"
#include "crypto/random_id.h"
#include "crypto/sealed_file.h"
#include "telegram/encoding.h"

namespace tgmux::api {
namespace {

constexpr std::size_t kMaxFieldBytes = 64 * 1024;
constexpr std::size_t kMaxFields = 64;
constexpr std::size_t kMaxFiles = 10;
constexpr std::size_t kMaxFileName = 255;

}  // namespace

struct FormUploadSink::OpenFile {
  service::StagedFile staged;
  std::unique_ptr<crypto::SealedFileWriter> writer;
};

std::optional<std::string> FormUpload::Field(const std::string& name) const {
  auto it = fields.find(name);
  if (it == fields.end()) return std::nullopt;
  return it->second;
}

FormUploadSink::FormUploadSink(std::filesystem::path directory) : directory_(std::move(directory)) {}

FormUploadSink::~FormUploadSink() = default;

void FormUploadSink::Begin(const PartHeaders& headers) {
  current_ = headers;
  value_.clear();
  // Like a JSON body, a form's text is UTF-8: what is read here goes into JSON
  // (the outbox entry's media, events) and to TDLib, which both refuse anything else.
  if (!telegram::IsValidUtf8(headers.name)) throw Error(ErrorCode::kInvalidRequest, "a form part's name is not UTF-8");
  const std::string part = "form part \"" + headers.name + "\"";
  if (!telegram::IsValidUtf8(headers.file_name)) {
    throw Error(ErrorCode::kInvalidRequest, part + ": its file name is not UTF-8");
  }
  if (!telegram::IsValidUtf8(headers.content_type)) {
    throw Error(ErrorCode::kInvalidRequest, part + ": its Content-Type is not UTF-8");
  }
  if (!headers.is_file) {
    if (upload_->fields.size() >= kMaxFields) throw Error(ErrorCode::kInvalidRequest, "too many form fields");
    return;
  }
  if (upload_->files.size() >= kMaxFiles) {
    throw Error(ErrorCode::kInvalidRequest, "at most 10 files may be sent in one request");
  }
  file_ = std::make_unique<OpenFile>();
  file_->staged.field = headers.name;
  file_->staged.file_name = headers.file_name.substr(0, kMaxFileName);
  file_->staged.content_type = headers.content_type;
  file_->staged.key = crypto::SecretKey::Random();
  file_->staged.path = directory_ / crypto::RandomId("upload");
  file_->writer = std::make_unique<crypto::SealedFileWriter>(file_->staged.path, file_->staged.key);
}

void FormUploadSink::Data(std::string_view bytes) {
  if (file_) return file_->writer->Write(bytes);
  if (value_.size() + bytes.size() > kMaxFieldBytes) {
    throw Error(ErrorCode::kInvalidRequest, "form field \"" + current_.name + "\" is longer than 64 KiB");
  }
  value_.append(bytes);
}

void FormUploadSink::End() {
  if (!file_) {
    if (!telegram::IsValidUtf8(value_)) {
      throw Error(ErrorCode::kInvalidRequest, "form field \"" + current_.name + "\" is not UTF-8 text");
    }
    if (!upload_->fields.emplace(current_.name, std::move(value_)).second) {
      throw Error(ErrorCode::kInvalidRequest, "form field \"" + current_.name + "\" is given twice");
    }
    return;
  }
  file_->writer->Finish();
  file_->staged.size = file_->writer->size();
  upload_->files.push_back(std::move(file_->staged));
  file_.reset();
}

std::shared_ptr<FormUpload> FormUploadSink::Take() { return std::move(upload_); }

}  // namespace tgmux::api
