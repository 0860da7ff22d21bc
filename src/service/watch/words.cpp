#include "service/watch/words.h"

#include <unicode/brkiter.h>
#include <unicode/normalizer2.h>
#include <unicode/ustring.h>
#include <unicode/utext.h>

#include <memory>
#include <stdexcept>
#include <string>

#include "service/watch/matcher.h"

namespace tgmux::service::watch {
namespace {

constexpr char16_t kYo = u'\u0451';  // ё (Ё folds to it)
constexpr char16_t kYe = u'\u0435';  // е

void Check(UErrorCode status, const char* what) {
  if (U_FAILURE(status)) throw std::runtime_error(std::string("ICU ") + what + ": " + u_errorName(status));
}

const icu::Normalizer2& Nfc() {
  static const icu::Normalizer2* nfc = [] {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* instance = icu::Normalizer2::getNFCInstance(status);
    Check(status, "NFC data");
    return instance;
  }();
  return *nfc;
}

// Creating a word breaker loads and parses its rules (tens of microseconds); cloning a prototype once per thread
// is cheap, and a breaker must not be shared between threads.
icu::BreakIterator& Breaker() {
  static const std::unique_ptr<icu::BreakIterator> prototype = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::BreakIterator> breaker(icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
    Check(status, "word breaker");
    return breaker;
  }();
  thread_local const std::unique_ptr<icu::BreakIterator> breaker(prototype->clone());
  return *breaker;
}

// Decodes into `out`'s own buffer, so that a reused string does not allocate.
void DecodeUtf8(std::string_view utf8, icu::UnicodeString& out) {
  utf8 = utf8.substr(0, kMaxTextBytes);
  // UTF-16 never needs more units than the UTF-8 has bytes.
  const auto capacity = static_cast<std::int32_t>(utf8.size()) + 1;
  char16_t* buffer = out.getBuffer(capacity);
  std::int32_t length = 0;
  UErrorCode status = U_ZERO_ERROR;
  u_strFromUTF8WithSub(buffer, capacity, &length, utf8.data(), static_cast<std::int32_t>(utf8.size()), 0xFFFD,
                       nullptr, &status);
  out.releaseBuffer(U_SUCCESS(status) ? length : 0);
}

// Most texts already are NFC; the quick check avoids a copy for them.
void ToNfc(icu::UnicodeString& text, icu::UnicodeString& spare) {
  UErrorCode status = U_ZERO_ERROR;
  if (Nfc().quickCheck(text, status) == UNORM_YES) return;
  status = U_ZERO_ERROR;
  Nfc().normalize(text, spare, status);
  Check(status, "NFC");
  text.swap(spare);
}

// Full case folding into `out`'s buffer (folding may lengthen a text: ß → ss), retried once if it did not fit.
void FoldCase(const icu::UnicodeString& text, icu::UnicodeString& out) {
  std::int32_t capacity = text.length() + 16;
  for (int attempt = 0; attempt < 2; ++attempt) {
    UErrorCode status = U_ZERO_ERROR;
    char16_t* buffer = out.getBuffer(capacity);
    std::int32_t length = u_strFoldCase(buffer, capacity, text.getBuffer(), text.length(), U_FOLD_CASE_DEFAULT, &status);
    out.releaseBuffer(U_SUCCESS(status) ? length : 0);
    if (status != U_BUFFER_OVERFLOW_ERROR) return Check(status, "case folding");
    capacity = length + 1;
  }
}

void SplitWords(const icu::UnicodeString& text, std::vector<std::pair<std::int32_t, std::int32_t>>& spans) {
  spans.clear();
  icu::BreakIterator& breaker = Breaker();
  UErrorCode status = U_ZERO_ERROR;
  // A UText over the string, rather than setText(UnicodeString), keeps the breaker from holding a reference
  // that would make the next in-place rewrite of the buffer copy it.
  UText utext = UTEXT_INITIALIZER;
  utext_openConstUnicodeString(&utext, &text, &status);
  breaker.setText(&utext, status);
  utext_close(&utext);
  Check(status, "word breaking");
  std::int32_t begin = breaker.first();
  for (std::int32_t end = breaker.next(); end != icu::BreakIterator::DONE; begin = end, end = breaker.next()) {
    if (breaker.getRuleStatus() >= UBRK_WORD_NONE_LIMIT) spans.emplace_back(begin, end);
  }
}

}  // namespace

void FoldWords(std::string_view utf8_text, FoldedText& out) {
  thread_local icu::UnicodeString decoded, spare;
  DecodeUtf8(utf8_text, decoded);
  ToNfc(decoded, spare);
  FoldCase(decoded, out.text);
  // Folding can, rarely, leave a text that is not NFC (a mark after a letter that folded into a decomposition).
  ToNfc(out.text, spare);
  for (std::int32_t i = out.text.indexOf(kYo); i >= 0; i = out.text.indexOf(kYo, i + 1)) out.text.setCharAt(i, kYe);
  SplitWords(out.text, out.spans);
}

std::vector<std::string> Words(std::string_view utf8_text) {
  FoldedText folded;
  FoldWords(utf8_text, folded);
  std::vector<std::string> words;
  words.reserve(folded.size());
  for (const auto& [begin, end] : folded.spans) {
    words.emplace_back();
    folded.text.tempSubStringBetween(begin, end).toUTF8String(words.back());
  }
  return words;
}

}  // namespace tgmux::service::watch
