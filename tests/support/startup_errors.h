// Bad configuration stops tgmux at start: status 2 and one line of stderr.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>

#include "tests/support/tgmux_server.h"

namespace tgmux::testing {

// Runs `tgmux serve` with `env` and checks that it stops with status 2 and one
// line of stderr that contains `expected`.
inline void ExpectStopsWithOneLine(std::map<std::string, std::string> env, const std::string& expected) {
  auto [status, stderr_text] = RunTgmux(std::move(env));
  EXPECT_EQ(status, 2) << expected << "\n" << stderr_text;
  EXPECT_NE(stderr_text.find(expected), std::string::npos) << stderr_text;
  EXPECT_EQ(std::count(stderr_text.begin(), stderr_text.end(), '\n'), 1) << stderr_text;
}

}  // namespace tgmux::testing
