#include "app/cli.h"

int main(int argc, char** argv) { return tgmux::app::Main(argc, argv); }
