// tgmux_test_postgres start|stop DIR: ctest's postgres_start and
// postgres_stop fixtures (tests/support/postgres_server.h).
#include <iostream>
#include <string>

#include "tests/support/postgres_server.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: tgmux_test_postgres start|stop DIR\n";
    return 2;
  }
  const std::string command = argv[1];
  try {
    if (command == "start") {
      tgmux::testing::PostgresServer::Start(argv[2]);
    } else if (command == "stop") {
      tgmux::testing::PostgresServer::Stop(argv[2]);
    } else {
      std::cerr << "tgmux_test_postgres: unknown command " << command << "\n";
      return 2;
    }
  } catch (const std::exception& e) {
    std::cerr << "tgmux_test_postgres: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
