// The command line's vocabulary: every command and every option, declared once in tables that
// both the parser (cli/args.cpp) and --help read. An option names the commands it applies to and
// how it fills the Invocation.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "cli/args.h"

namespace hivekeeper::cli {

struct CommandSpec {
  const char* name;
  const char* synopsis;
  const char* description;
  std::size_t min_operands;
  std::size_t max_operands;
};

struct OptionSpec {
  const char* name;   // "--media"
  const char* alias;  // "-f" or ""
  const char* value;  // placeholder, "" for a flag
  std::set<std::string> commands;
  const char* help;
  std::function<void(Invocation&, const std::string&)> apply;
};

extern const std::vector<CommandSpec> kCommands;
extern const std::vector<OptionSpec> kOptions;
extern const std::set<std::string> kAllCommands;
extern const std::set<std::string> kStoreCommands;     // read the backup directory or bucket
extern const std::set<std::string> kShortcutCommands;  // build a manifest from flags

}  // namespace hivekeeper::cli
