// The outcome of an asynchronous Telegram call: a value or a tgmux::Error.
#pragma once

#include <utility>
#include <variant>

#include "common/error.h"

namespace tgmux::telegram {

// Value of calls that only succeed or fail (TDLib's `ok`).
struct Ok {};

template <class T>
class Result {
 public:
  Result(T value) : data_(std::move(value)) {}          // NOLINT: implicit on purpose
  Result(Error error) : data_(std::move(error)) {}      // NOLINT: implicit on purpose

  bool ok() const { return data_.index() == 0; }
  const T& value() const& { return std::get<0>(data_); }
  T& value() & { return std::get<0>(data_); }
  T&& value() && { return std::get<0>(std::move(data_)); }
  // Only when !ok().
  const Error& error() const { return std::get<1>(data_); }

 private:
  std::variant<T, Error> data_;
};

using Status = Result<Ok>;

}  // namespace tgmux::telegram
