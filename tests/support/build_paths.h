#pragma once
// Where this build put the programs and files that tests and benchmarks start or read.
// The paths live in one generated file of the build directory (build_paths.cpp, made
// by CMake), not in compile definitions, so that every other translation unit compiles
// the same in any checkout and is found in ccache by a fresh clone.

namespace tgmux::build_paths {
extern const char* const kTgmuxBinary;        // the tgmux executable
extern const char* const kTgsimBinary;        // the simulator's server
extern const char* const kTdjsonSimLibrary;   // libtdjson_sim.so, the simulator's TDLib
extern const char* const kTdjsonDefault;      // the pinned prebuilt libtdjson.so
extern const char* const kTdlibBare;          // bench/tdlib_bare: bare TDLib clients, for gateway_footprint
extern const char* const kTdlibTypes;         // tdlib-types.d.ts of the pinned TDLib
extern const char* const kSourceDir;          // the source tree
extern const char* const kNode;               // node, for the browser tests
extern const char* const kTestPostgresDir;     // the suite's PostgreSQL (tests/support/postgres_server.h)
extern const char* const kBrowserShotDir;     // where the browser tests put screenshots
extern const char* const kPromtool;           // Prometheus' promtool (Debian's prometheus package)
extern const char* const kOpenssl;            // the openssl command, to make test certificates
extern const char* const kOpenApiAnswersDir;  // the suite's answers, for its OpenAPI check (openapi_samples.h)
}  // namespace tgmux::build_paths

#define TGMUX_BINARY ::tgmux::build_paths::kTgmuxBinary
#define TGSIM_BINARY ::tgmux::build_paths::kTgsimBinary
#define TDJSON_SIM_LIBRARY ::tgmux::build_paths::kTdjsonSimLibrary
#define TGMUX_TDJSON_DEFAULT ::tgmux::build_paths::kTdjsonDefault
#define TGMUX_TDLIB_TYPES ::tgmux::build_paths::kTdlibTypes
#define TGMUX_SOURCE_DIR ::tgmux::build_paths::kSourceDir
