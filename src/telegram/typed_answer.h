// Turns the hub's JSON answers into typed results for AccountClient's
// callbacks. Internal to telegram/.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <utility>

#include "telegram/client_hub.h"
#include "telegram/result.h"

namespace tgmux::telegram {

// A ResultHandler that passes errors through and converts an answer with
// `parse` (json -> Result<T>). A null `done` ignores the answer.
template <class T, class Parse>
ResultHandler Typed(std::function<void(Result<T>)> done, Parse parse) {
  return [done = std::move(done), parse = std::move(parse)](Result<nlohmann::json> answer) {
    if (!done) return;
    if (!answer.ok()) return done(answer.error());
    done(parse(answer.value()));
  };
}

// A ResultHandler for requests answered with `ok`: errors pass through.
inline ResultHandler ToStatus(std::function<void(Status)> done) {
  return Typed<Ok>(std::move(done), [](const nlohmann::json&) -> Result<Ok> { return Ok{}; });
}

// Answers `done` with `error` through the hub (never inside the caller's call).
template <class T>
void FailTyped(ClientHub& hub, std::function<void(Result<T>)> done, Error error) {
  hub.Fail(Typed<T>(std::move(done), [](const nlohmann::json&) -> Result<T> {
             return Error(ErrorCode::kInternal, "unreachable");
           }),
           std::move(error));
}

// The error for an answer of an unexpected type.
inline Error UnexpectedAnswer(const std::string& method) {
  return Error(ErrorCode::kInternal, "TDLib answered " + method + " with something else");
}

}  // namespace tgmux::telegram
