// Control routes for files and proxies: media written by "someone else", the bytes of a
// cloud file, and proxies that stop answering.
#include <sodium.h>

#include "sim/control/control_util.h"

namespace tgsim {
namespace {

MessageMedia OneMedia(World& world, std::int64_t sender, const Json& item) {
  if (!item.is_object()) throw ControlError(400, "field 'media' is an object or an array of objects");
  auto kind = MediaKindByName(item.value("type", ""));
  if (!kind) throw ControlError(400, "media.type is photo, document, video, voice, audio or animation");
  std::string bytes;
  if (!Base64Decode(RequiredString(item, "data"), bytes)) throw ControlError(400, "media.data must be base64");
  if (bytes.empty()) throw ControlError(400, "media.data must be non-empty");
  MediaInfo media;
  media.kind = *kind;
  media.file_name = item.value("file_name", "");
  media.mime_type = item.value("mime_type", MimeTypeFor(media.file_name, media.kind));
  media.width = item.value("width", 0);
  media.height = item.value("height", 0);
  media.duration = item.value("duration", 0);
  media.title = item.value("title", "");
  media.performer = item.value("performer", "");
  if (media.kind == MediaKind::kPhoto && media.width == 0 && media.height == 0) {
    std::tie(media.width, media.height) = ImageDimensions(bytes);
  }
  media.file = world.cloud().files().Add(media.kind, std::move(bytes), sender).id;
  return MessageMedia{media, 0, Json(), Json()};
}

}  // namespace

std::vector<MessageMedia> MediaFromBody(World& world, std::int64_t sender, const Json& media) {
  std::vector<MessageMedia> items;
  if (!media.is_array()) {
    items.push_back(OneMedia(world, sender, media));
    return items;
  }
  if (media.empty() || media.size() > 10) throw ControlError(400, "an album has 1 to 10 items");
  std::int64_t album_id = 0;
  if (media.size() > 1) {
    randombytes_buf(&album_id, sizeof album_id);
    album_id = (album_id & 0x7fffffffffffffffLL) | 1;
  }
  for (const auto& item : media) {
    items.push_back(OneMedia(world, sender, item));
    items.back().album_id = album_id;
  }
  return items;
}

Json MediaSummary(const Cloud& cloud, const MediaInfo& media) {
  const CloudFile* file = cloud.files().Find(media.file);
  Json out = {{"type", InfoOf(media.kind).name}, {"file_name", media.file_name},
              {"mime_type", media.mime_type}, {"size", file ? file->size() : 0}};
  if (file != nullptr) {
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(file->bytes.data()), file->bytes.size());
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    out["sha256"] = hex;
    out["unique_id"] = UniqueIdOf(*file);
  }
  if (media.width != 0 || media.height != 0) {
    out["width"] = media.width;
    out["height"] = media.height;
  }
  if (media.duration != 0) out["duration"] = media.duration;
  return out;
}

ControlResponse GetFileRoute(World& world, ControlRequest& request) {
  const CloudFile* file = world.cloud().files().FindByUniqueId(request.params[0]);
  if (file == nullptr) throw ControlError(404, "no file with that unique_id");
  ControlResponse response;
  response.status = 200;
  response.body = file->bytes;
  response.content_type = "application/octet-stream";
  return response;
}

ControlResponse ProxyRoute(World& world, ControlRequest& request) {
  const Json& body = request.body;
  std::string server = RequiredString(body, "server");
  if (!body.contains("port") || !body["port"].is_number_integer()) throw ControlError(400, "field 'port' is required (integer)");
  if (!body.contains("reachable") || !body["reachable"].is_boolean()) {
    throw ControlError(400, "field 'reachable' is required (boolean)");
  }
  world.SetProxyReachable(server, body["port"].get<int>(), body["reachable"].get<bool>());
  return NoContent();
}

}  // namespace tgsim
