// /v1/accounts/{id}/messages and /v1/outbox: sending through the outbox, text
// or media (a JSON body, or multipart/form-data with the file).
#include "api/form_upload.h"
#include "api/routes.h"
#include "api/views.h"

namespace tgmux::api {
namespace {

const Access kSend = Access::AtLeast(service::Role::kOperator);
constexpr int kMaxWaitSeconds = 120;

std::int64_t IntegerField(const nlohmann::json& body, const std::string& name) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return 0;
  if (!it->is_number_integer()) throw Error(ErrorCode::kInvalidRequest, "field \"" + name + "\" must be an integer");
  return it->get<std::int64_t>();
}

int Dimension(const nlohmann::json& body, const std::string& name) {
  std::int64_t value = IntegerField(body, name);
  if (value < 0 || value > 100000) throw Error(ErrorCode::kInvalidRequest, "field \"" + name + "\" must be 0..100000");
  return static_cast<int>(value);
}

// Form fields are text: the ones that are numbers or flags in JSON become so.
nlohmann::json FormAsJson(const FormUpload& form) {
  nlohmann::json body = nlohmann::json::object();
  for (const auto& [name, value] : form.fields) {
    if (name == "reply_to_message_id" || name == "width" || name == "height" || name == "duration") {
      auto number = nlohmann::json::parse(value, nullptr, false);
      if (!number.is_number_integer()) {
        throw Error(ErrorCode::kInvalidRequest, "form field \"" + name + "\" must be an integer");
      }
      body[name] = number;
    } else if (name == "silent") {
      if (value != "true" && value != "false" && value != "1" && value != "0") {
        throw Error(ErrorCode::kInvalidRequest, "form field \"silent\" must be true or false");
      }
      body[name] = value == "true" || value == "1";
    } else {
      body[name] = value;
    }
  }
  return body;
}

telegram::MediaKind KindField(const std::string& type) {
  auto kind = telegram::MediaKindFromName(type);
  if (!kind) {
    throw Error(ErrorCode::kInvalidRequest,
                "field \"type\" must be photo, document, video, voice, audio or animation (or album, with parts "
                "file0 ... file9, in a multipart upload)");
  }
  return *kind;
}

// The parts of an upload in the order they go: "file", or an album's file0 ... file9.
std::vector<service::StagedFile> TakeFiles(FormUpload& form, bool album) {
  std::vector<service::StagedFile*> order(album ? 10 : 1, nullptr);
  for (auto& file : form.files) {
    std::size_t slot = 0;
    bool known = album ? file.field.size() == 5 && file.field.rfind("file", 0) == 0 &&
                             std::isdigit(static_cast<unsigned char>(file.field[4]))
                       : file.field == "file";
    if (known && album) slot = static_cast<std::size_t>(file.field[4] - '0');
    if (!known) {
      throw Error(ErrorCode::kInvalidRequest,
                  "unexpected file part \"" + file.field + "\"; send " +
                      (album ? "an album as parts file0 ... file9" : "one part named \"file\""));
    }
    if (order[slot]) {
      throw Error(ErrorCode::kInvalidRequest,
                  "file part \"" + file.field + "\" is given twice; send exactly one file per part (several "
                  "files go as type=album with parts file0 ... file9)");
    }
    order[slot] = &file;
  }
  std::vector<service::StagedFile> files;
  for (auto* file : order) {
    if (file) files.push_back(std::move(*file));
  }
  if (!album && files.size() != 1) {
    throw Error(ErrorCode::kInvalidRequest, "send exactly one file part named \"file\" (got " +
                                                std::to_string(form.files.size()) + ")");
  }
  form.files.clear();
  return files;
}

// The fields a JSON body and a form share.
service::SendRequest CommonFields(const Request& r, const nlohmann::json& body) {
  service::SendRequest send;
  send.to = *StringField(body, "to", true);
  send.reply_to_message_id = IntegerField(body, "reply_to_message_id");
  send.silent = BoolField(body, "silent").value_or(false);
  send.idempotency_key = IdempotencyKey(r);
  return send;
}

// "media": {"type"?, "file_id" | "url", "caption"?, "parse_mode"?, "file_name"? (url), width/height/duration?}.
// A url is fetched (service/media/url_fetch.h) into a staged file, as if uploaded.
void ReadMediaObject(const nlohmann::json& body, service::SendRequest& send, const service::MediaFetcher& fetcher) {
  const auto& object = body.at("media");
  if (!object.is_object()) throw Error(ErrorCode::kInvalidRequest, "field \"media\" must be an object");
  service::MediaRequest media;
  if (auto type = StringField(object, "type", false)) {
    media.kind = KindField(*type);
    media.kind_given = true;
  }
  auto url = StringField(object, "url", false);
  auto file_id = StringField(object, "file_id", false);
  if (url && file_id) throw Error(ErrorCode::kInvalidRequest, "give \"media.url\" or \"media.file_id\", not both");
  if (!url && (!file_id || file_id->empty())) {
    throw Error(ErrorCode::kInvalidRequest,
                "field \"media\" needs \"file_id\" (or upload the file as multipart/form-data)");
  }
  if (file_id) media.file_id = *file_id;
  media.width = Dimension(object, "width");
  media.height = Dimension(object, "height");
  media.duration = Dimension(object, "duration");
  auto caption = StringField(object, "caption", false);
  auto text = StringField(body, "text", false);
  if (caption && text) throw Error(ErrorCode::kInvalidRequest, "give the caption once: \"text\" or \"media.caption\"");
  send.text = caption.value_or(text.value_or(""));
  send.parse_mode = ParseModeField(object.contains("parse_mode") ? object : body);
  if (url) {
    // Last, once everything else was checked: only a valid request makes tgmux fetch.
    media.kind_given = true;
    media.files.push_back(fetcher.Fetch(*url, StringField(object, "file_name", false).value_or("")));
  }
  send.media = std::move(media);
}

service::SendRequest ReadFormRequest(const Request& r) {
  FormUpload& form = *r.form;
  nlohmann::json body = FormAsJson(form);
  service::SendRequest send = CommonFields(r, body);
  auto text = StringField(body, "text", false);
  auto caption = StringField(body, "caption", false);
  if (caption && text) throw Error(ErrorCode::kInvalidRequest, "give the caption once: \"text\" or \"caption\"");
  send.text = caption.value_or(text.value_or(""));
  send.parse_mode = ParseModeField(body);
  service::MediaRequest media;
  std::string type = StringField(body, "type", false).value_or("document");
  media.album = type == "album";
  if (!media.album) media.kind = KindField(type);
  media.kind_given = true;
  media.width = Dimension(body, "width");
  media.height = Dimension(body, "height");
  media.duration = Dimension(body, "duration");
  media.files = TakeFiles(form, media.album);
  send.media = std::move(media);
  return send;
}

service::SendRequest ReadSendRequest(const Request& r, const service::MediaFetcher& fetcher) {
  if (r.form) return ReadFormRequest(r);
  auto body = r.JsonBody();
  if (body.contains("media") && !body["media"].is_null()) {
    service::SendRequest send = CommonFields(r, body);
    ReadMediaObject(body, send, fetcher);
    return send;
  }
  service::SendRequest send = CommonFields(r, body);
  send.text = *StringField(body, "text", true);
  send.parse_mode = ParseModeField(body);
  return send;
}

int WaitSeconds(const Request& r) { return static_cast<int>(QueryInt(r, "wait", 0, 0, kMaxWaitSeconds)); }

// 200 once the outcome is known, 202 while the entry is still on its way.
Response EntryResponse(const store::OutboxEntry& entry) {
  return Response::Json(store::IsFinal(entry.state) ? 200 : 202, OutboxJson(entry));
}

}  // namespace

void RegisterMessageRoutes(Router& router, service::Services& s) {
  // A send: the entry is written (by `enqueue`, which calls its Enqueued once
  // the entry is on disk), then answered at once or once it ends (?wait=N
  // seconds). The answer is given from Enqueued: no thread waits for the disk.
  auto send_route = [&s](std::string what, auto enqueue) {
    return [&s, what, enqueue](const Request& r, const Reply& reply) {
      auto send = ReadSendRequest(r, s.fetcher);
      const int wait = WaitSeconds(r);
      enqueue(r, std::move(send),
              [&s, what, reply, wait, request_id = r.request_id, path = r.path](
                  std::exception_ptr error, const store::OutboxEntry& entry, bool created) {
                if (error) return reply(ProblemForException(error, request_id, what, path));
                if (wait == 0) return reply(Response::Json(202, OutboxJson(entry)));
                s.outbox.Wait(entry, std::chrono::seconds(wait),
                              [reply](const store::OutboxEntry& done) { reply(EntryResponse(done)); }, created);
              });
    };
  };
  router.AddUpload("POST", "/v1/accounts/{id}/messages", kSend,
                   send_route("POST /v1/accounts/{id}/messages",
                              [&s](const Request& r, service::SendRequest send, service::OutboxService::Enqueued done) {
                                s.outbox.EnqueueAsync(TenantOf(r), r.params.at("id"), std::move(send), std::move(done));
                              }));
  // A pool's message: the same body, sent by the account PoolService picks.
  router.AddUpload("POST", "/v1/pools/{name}/messages", kSend,
                   send_route("POST /v1/pools/{name}/messages",
                              [&s](const Request& r, service::SendRequest send, service::OutboxService::Enqueued done) {
                                done(nullptr, s.pools.Send(TenantOf(r), r.params.at("name"), std::move(send)), false);
                              }));
  router.Add("GET", "/v1/outbox/{id}", kSend, [&s](const Request& r, const Reply& reply) {
    reply(Response::Json(200, OutboxJson(s.outbox.Get(TenantOf(r), r.params.at("id")))));
  });
}

}  // namespace tgmux::api
