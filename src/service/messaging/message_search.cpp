// The search walk behind MessageService::Search: TDLib's searchChatMessages
// (one chat) and searchMessages (every chat), asked again from where each
// answer ended until the caller's page is whole, behind one opaque cursor.
//
// Cursors: "c<chat_id>_<from_message_id>" in one chat; "g" and the hex of
// TDLib's offset across chats (TDLib's offset is its own business, so it is
// carried, not read).
#include <charconv>

#include "common/hex.h"
#include "service/messaging/message_walks.h"
#include "telegram/encoding.h"

namespace tgmux::service::walks {
namespace {

using telegram::FoundMessages;
using telegram::Result;

// TDLib calls for one page at most; each normally brings the whole remainder.
constexpr int kMaxRounds = 20;

std::string CursorOf(std::optional<std::int64_t> chat_id, const SearchStart& at) {
  if (chat_id) return "c" + std::to_string(*chat_id) + "_" + std::to_string(at.from_message_id);
  return "g" + ToHex(at.offset);
}

std::optional<std::int64_t> Integer(std::string_view text) {
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

class SearchWalk : public std::enable_shared_from_this<SearchWalk> {
 public:
  SearchWalk(ClientRef ref, std::string query, std::optional<std::int64_t> chat_id, int limit,
             SearchStart start, Done<SearchPage> done)
      : ref_(std::move(ref)), query_(std::move(query)), chat_id_(chat_id), limit_(limit), at_(std::move(start)),
        done_(std::move(done)) {}

  void Fetch() {
    auto client = ref_.lock();
    if (!client) return done_(Stopped());
    // A full page asks for one more match only to learn whether the search goes on.
    int want = peeking_ ? 1 : limit_ - static_cast<int>(got_.size());
    auto on_found = [self = shared_from_this()](Result<FoundMessages> found) {
      if (!found.ok()) return self->done_(found.error());
      self->OnFound(std::move(found).value());
    };
    if (chat_id_) return client->SearchChatMessages(*chat_id_, query_, at_.from_message_id, want, on_found);
    client->SearchMessages(query_, at_.offset, want, on_found);
  }

 private:
  void OnFound(FoundMessages found) {
    if (peeking_) return Finish(!found.messages.empty());
    bool more = chat_id_ ? found.next_from_message_id != 0 : !found.next_offset.empty();
    bool progressed = !found.messages.empty();
    for (auto& message : found.messages) got_.push_back(std::move(message));
    if (!progressed || !more) return Finish(false);
    at_ = {found.next_from_message_id, found.next_offset};
    if (++rounds_ >= kMaxRounds) return Finish(true);
    if (got_.size() >= static_cast<std::size_t>(limit_)) peeking_ = true;
    Fetch();
  }

  void Finish(bool more) {
    SearchPage page{std::move(got_), std::nullopt};
    if (more) page.next_cursor = CursorOf(chat_id_, at_);
    done_(std::move(page));
  }

  const ClientRef ref_;
  const std::string query_;
  const std::optional<std::int64_t> chat_id_;
  const int limit_;
  SearchStart at_;
  const Done<SearchPage> done_;
  // Touched by one step at a time: each step starts the next.
  std::vector<telegram::Message> got_;
  int rounds_ = 0;
  bool peeking_ = false;
};

}  // namespace

SearchStart DecodeSearchCursor(const std::string& cursor, std::optional<std::int64_t> chat_id) {
  if (cursor.empty()) return {};
  std::string_view rest(cursor);
  if (chat_id && rest.starts_with('c')) {
    auto separator = rest.find('_');
    auto chat = separator == std::string_view::npos ? std::nullopt : Integer(rest.substr(1, separator - 1));
    auto from = chat ? Integer(rest.substr(separator + 1)) : std::nullopt;
    if (chat == chat_id && from && *from > 0) return {*from, ""};
  } else if (!chat_id && rest.starts_with('g')) {
    auto offset = FromHex(rest.substr(1));
    if (offset && !offset->empty() && telegram::IsValidUtf8(*offset)) return {0, *offset};
  }
  throw InvalidCursor();
}

void Search(const ClientRef& client, const std::string& query, std::optional<std::int64_t> chat_id, int limit,
            SearchStart start, Done<SearchPage> done) {
  std::make_shared<SearchWalk>(client, query, chat_id, limit, std::move(start), std::move(done))->Fetch();
}

}  // namespace tgmux::service::walks
