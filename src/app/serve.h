#pragma once

#include <csignal>

#include "config/config.h"

namespace tgmux::app {

// Runs the gateway until one of `stop_signals` arrives, then shuts down
// gracefully: requests in flight are answered, every TDLib client is closed.
// Throws config::ConfigError for bad settings; returns the exit status.
int Serve(const config::Config& config, const sigset_t& stop_signals);

}  // namespace tgmux::app
