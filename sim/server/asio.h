#pragma once
// Debian's Boost 1.74 uses std::exchange in asio/awaitable.hpp without including
// <utility>; GCC 12 rejects that, so every Asio include goes through this header.
#include <utility>

#include <boost/asio.hpp>
