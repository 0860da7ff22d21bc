// The one way to include Boost.Asio/Beast here. Debian 12's Boost 1.74 uses
// std::exchange in asio/awaitable.hpp without including <utility>, which GCC 12
// rejects; including it first fixes that.
#pragma once

#include <utility>

#include <boost/asio.hpp>
#include <boost/beast.hpp>
