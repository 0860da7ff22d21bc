// Waiting in tests for something to happen: poll a condition until it holds or
// a deadline passes, never a fixed sleep that assumes it happened meanwhile.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "common/http_client.h"

namespace tgmux::testing {

// Polls `condition` every few milliseconds; returns true as soon as it holds,
// false when `timeout` passes first.
bool WaitUntil(const std::function<bool()>& condition, std::chrono::milliseconds timeout);

// One series of tgmux's /metrics, named as printed (`tgmux_event_waiters`,
// `tgmux_tdlib_clients{state="ready"}`); nullopt when absent.
std::optional<double> MetricValue(const tgmux::HttpClient& client, const std::string& series);

// Waits until that series is at least `value`; false when `timeout` passes first.
bool WaitForMetric(const tgmux::HttpClient& client, const std::string& series, double value,
                   std::chrono::milliseconds timeout);

}  // namespace tgmux::testing
