#include "cli/cli.h"

int main(int argc, char** argv) {
  return hivekeeper::cli::run(argc, argv);
}
