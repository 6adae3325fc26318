#include "cli/args.h"

#include <algorithm>
#include <charconv>
#include <functional>
#include <set>

#include "cli/command_table.h"
#include "common/error.h"
#include "common/text.h"

namespace hivekeeper::cli {
namespace {

Error usage_error(const std::string& message, const std::string& command) {
  return invalid_input(
      "InvalidUsage", message,
      "see `hivekeeper " + (command.empty() ? std::string() : command + " ") + "--help`");
}

// The command, which may follow options (hivekeeper --log-format json backup prod); every other
// word goes to PENDING, in order.
void take_command(const std::vector<std::string>& arguments, Invocation& invocation,
                  std::vector<std::string>& pending) {
  std::size_t index = 0;
  for (; index < arguments.size(); ++index) {
    if (!arguments[index].starts_with("-")) break;
    pending.push_back(arguments[index]);
    const auto& option = arguments[index];
    const bool takes_value =
        std::any_of(kOptions.begin(), kOptions.end(), [&](const OptionSpec& spec) {
          return (option == spec.name || option == spec.alias) && *spec.value != '\0';
        });
    if (takes_value && index + 1 < arguments.size()) pending.push_back(arguments[++index]);
  }
  invocation.command = index < arguments.size() ? arguments[index++] : "help";
  if (invocation.command == "help") {
    invocation.help = true;
    if (index < arguments.size()) invocation.command = arguments[index++];
  }
  if (invocation.command != "help" && !kAllCommands.count(invocation.command)) {
    std::vector<std::string> names(kAllCommands.begin(), kAllCommands.end());
    const std::string guess = closest_match(invocation.command, names);
    throw usage_error("unknown command " + invocation.command +
                          (guess.empty() ? "" : " (did you mean " + guess + "?)"),
                      "");
  }
  for (; index < arguments.size(); ++index) pending.push_back(arguments[index]);
}

// Options and operands, each option checked against the command it is given to.
void take_options(const std::vector<std::string>& pending, Invocation& invocation) {
  for (std::size_t i = 0; i < pending.size(); ++i) {
    std::string word = pending[i];
    if (!word.starts_with("-") || word == "-") {
      invocation.operands.push_back(word);
      continue;
    }
    std::string inline_value;
    bool has_inline = false;
    if (const auto equals = word.find('='); word.starts_with("--") && equals != std::string::npos) {
      inline_value = word.substr(equals + 1);
      word = word.substr(0, equals);
      has_inline = true;
    }
    const auto named = [&](const OptionSpec& option) {
      return word == option.name || (*option.alias != '\0' && word == option.alias);
    };
    // --media is a flag for backup and takes a file for restore: prefer this command's entry.
    auto spec = std::find_if(kOptions.begin(), kOptions.end(), [&](const OptionSpec& option) {
      return named(option) && option.commands.count(invocation.command);
    });
    if (spec == kOptions.end()) spec = std::find_if(kOptions.begin(), kOptions.end(), named);
    if (spec == kOptions.end()) {
      std::vector<std::string> names;
      for (const auto& option : kOptions) names.push_back(option.name);
      const std::string guess = closest_match(word, names);
      throw usage_error(
          "unknown option " + word + (guess.empty() ? "" : " (did you mean " + guess + "?)"),
          invocation.command);
    }
    if (invocation.command != "help" && !spec->commands.count(invocation.command))
      throw usage_error(std::string(spec->name) + " does not apply to " + invocation.command,
                        invocation.command);
    std::string value;
    if (*spec->value != '\0') {
      if (has_inline) {
        value = inline_value;
      } else if (i + 1 < pending.size()) {
        value = pending[++i];
      } else {
        throw usage_error(std::string(spec->name) + " needs a value (" + spec->value + ")",
                          invocation.command);
      }
    } else if (has_inline) {
      throw usage_error(std::string(spec->name) + " takes no value", invocation.command);
    }
    spec->apply(invocation, value);
  }
}

// What the command needs beyond its options: its operands, a manifest, an environment.
void check_operands(const Invocation& invocation) {
  const auto command =
      std::find_if(kCommands.begin(), kCommands.end(),
                   [&](const CommandSpec& spec) { return invocation.command == spec.name; });
  if (invocation.operands.size() < command->min_operands ||
      invocation.operands.size() > command->max_operands)
    throw usage_error(std::string("usage: hivekeeper ") + command->synopsis, invocation.command);
  if (invocation.command == "recover" && !invocation.manifest_path.empty() &&
      !invocation.output_directory.empty())
    throw usage_error("recover takes the directory from -f FILE or --output DIR, not both",
                      invocation.command);
  if ((invocation.command == "run" || invocation.command == "validate") &&
      invocation.manifest_path.empty())
    throw usage_error(invocation.command + " needs a manifest: -f FILE, or -f - for standard input",
                      invocation.command);
  if (kStoreCommands.count(invocation.command) && !invocation.manifest_path.empty() &&
      !invocation.output_directory.empty())
    throw usage_error(invocation.command + " takes the directory from -f FILE or -d DIR, not both",
                      invocation.command);
  if (invocation.command == "prune" && !invocation.manifest_path.empty() &&
      !invocation.retention.empty())
    throw usage_error("prune takes its rules from -f FILE's spec.retention or from flags, not both",
                      invocation.command);
  if (invocation.command == "list" && !invocation.max_age.empty() && invocation.operands.empty())
    throw usage_error("--max-age judges one environment: list dev|prod --max-age DURATION",
                      invocation.command);
  const bool bucket_details = !invocation.s3_endpoint.empty() || !invocation.s3_region.empty() ||
                              !invocation.s3_prefix.empty() || invocation.s3_path_style ||
                              invocation.no_keep_local;
  if (bucket_details && invocation.s3_bucket.empty())
    throw usage_error(
        "--s3-endpoint, --s3-region, --s3-prefix, --s3-path-style and --no-keep-local need "
        "--s3-bucket NAME",
        invocation.command);
  const bool environment_first = invocation.command != "verify" || invocation.operands.size() == 2;
  if ((kShortcutCommands.count(invocation.command) || invocation.command == "recover" ||
       (kStoreCommands.count(invocation.command) && environment_first)) &&
      !invocation.operands.empty() && invocation.operands[0] != "dev" &&
      invocation.operands[0] != "prod")
    throw usage_error("environment must be dev or prod, not " + invocation.operands[0],
                      invocation.command);
}

}  // namespace

Invocation parse_arguments(const std::vector<std::string>& arguments) {
  Invocation invocation;
  std::vector<std::string> pending;
  take_command(arguments, invocation, pending);
  take_options(pending, invocation);
  if (!invocation.help && invocation.command != "help") check_operands(invocation);
  return invocation;
}

std::string usage(const std::string& command) {
  std::string text;
  auto options_of = [](const std::string& name) {
    std::string lines;
    for (const auto& option : kOptions) {
      if (!option.commands.count(name)) continue;
      std::string flag = std::string(*option.alias ? std::string(option.alias) + ", " : "    ") +
                         option.name + (*option.value ? std::string(" ") + option.value : "");
      flag.resize(std::max<std::size_t>(flag.size() + 2, 28), ' ');
      lines += "  " + flag + option.help + "\n";
    }
    return lines;
  };
  for (const auto& spec : kCommands) {
    if (command == spec.name)
      return std::string("usage: hivekeeper ") + spec.synopsis + " [options]\n\n" +
             spec.description + "\n\noptions:\n" + options_of(spec.name);
  }
  text =
      "hivekeeper: backups and restores of a Django app's PostgreSQL database and "
      "media\n\ncommands:\n";
  for (const auto& spec : kCommands) {
    std::string synopsis = spec.synopsis;
    synopsis.resize(std::max<std::size_t>(synopsis.size() + 2, 32), ' ');
    text += "  " + synopsis + spec.description + "\n";
  }
  text +=
      "\n`hivekeeper COMMAND --help` shows a command's options.\n"
      "Exit codes: 0 success, 1 the job failed, 2 invalid manifest or usage.\n";
  return text;
}

}  // namespace hivekeeper::cli
