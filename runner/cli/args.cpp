#include "cli/args.h"

#include <algorithm>
#include <charconv>
#include <functional>
#include <set>

#include "common/error.h"
#include "common/text.h"

namespace hivekeeper::cli {
namespace {

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

const std::vector<CommandSpec> kCommands = {
    {"run", "run -f FILE|-",
     "Run the BackupJob or RestoreJob manifest in FILE (YAML or JSON; - reads standard input). A "
     "RestoreJob done before (same name, spec, annotation hivekeeper.io/restore-id) exits 0.",
     0, 0},
    {"backup", "backup <dev|prod> [--media]",
     "Back up the database of the dev or prod environment, and with --media its media volume.", 1,
     1},
    {"restore", "restore <dev|prod> [FILE] [--reset] [--media FILE|latest]",
     "Restore a database backup (default: the environment's latest) into the dev or prod "
     "database, in one transaction, after a safety backup; with --media also replace the media "
     "volume's content.",
     1, 2},
    {"recover", "recover [dev|prod] [-f FILE|--output DIR]",
     "Finish what a job killed outright (SIGKILL, the OOM killer, a lost node) left in the backup "
     "directory (the manifest's, or --output, default backups/django): start the services it "
     "stopped, remove its helper containers, staging folders and partial files, put the old media "
     "back after a half-done swap, and mark its status Failed (Killed). Every job does this first "
     "by itself; exit 0 when done or nothing was left, 1 when a step failed.",
     0, 1},
    {"list", "list [dev|prod] [-o wide|json|yaml] [--max-age DURATION]",
     "List the backup sets in the directory, newest first: environment, kind (backup, safety, "
     "seed-made), database and media sizes, last verification, age. With --max-age, exit 1 when "
     "the environment's newest good set is older than DURATION (e.g. 26h, 2d), for health checks.",
     0, 1},
    {"verify", "verify [dev|prod] [SET|latest|all]",
     "Check backup sets without restoring them: checksums and sizes against the metadata, each "
     "dump's gzip stream whole and ending with pg_dump's trailer, the media archive readable to "
     "its end. The result is recorded (`list` shows it; prune keeps the newest good set). Exit 0 "
     "when every set passed, 1 otherwise. Default: the latest set.",
     0, 2},
    {"prune", "prune <dev|prod> [--keep-last N] [--keep-daily N] ... [--dry-run]",
     "Delete the environment's backup sets that no retention rule keeps (restic's rules: OR-ed, "
     "periods counted in --timezone, only periods that have a backup count, --keep-within counted "
     "from the newest set), each set whole and its metadata first. Never deleted: the newest "
     "verified set, seed-made sets (unless --include-seed-made), files that are not backups. The "
     "rules come from the flags or from -f MANIFEST's spec.retention; --dry-run prints each set "
     "with keep or delete and why, and changes nothing.",
     1, 1},
    {"drill", "drill <dev|prod> [SET|latest] [--dry-run] [--no-media]",
     "Restore a set (default: the latest) into a scratch database and its media into a scratch "
     "volume or folder, check row counts, django_migrations and every file, time it, drop it all; "
     "the live database and media are never touched. Exit 1 when the set did not restore.",
     1, 2},
    {"validate", "validate -f FILE|-", "Check a manifest against the schema without running it.", 0,
     0},
    {"version", "version", "Print the version.", 0, 0},
};

const std::set<std::string> kJobCommands = {"run", "backup", "restore", "drill"};
const std::set<std::string> kAllCommands = {"run",   "backup", "restore", "recover",  "list",
                                            "prune", "verify", "drill",   "validate", "version"};
const std::set<std::string> kStoreCommands = {"list", "verify", "prune", "drill"};
const std::set<std::string> kShortcutCommands = {"backup", "restore", "drill"};

// prune's --keep-* counts, collected as spec.retention would hold them.
OptionSpec retention_count(const char* name, const char* field, const char* help) {
  return {name, "", "N", {"prune"}, help, [field, name](Invocation& in, const std::string& value) {
            int count = 0;
            const auto [end, error] =
                std::from_chars(value.data(), value.data() + value.size(), count);
            if (error != std::errc() || end != value.data() + value.size() || count < -1)
              throw invalid_input(
                  "InvalidUsage",
                  std::string(name) + " takes a count (-1 for every period), not " + value);
            in.retention[field] = count;
          }};
}

const std::vector<OptionSpec> kOptions = {
    {"--file",
     "-f",
     "FILE",
     {"run", "validate", "recover", "list", "verify", "prune"},
     "manifest file, or - for standard input (list, verify, prune: its directory, prefix and "
     "retention)",
     [](Invocation& in, const std::string& value) { in.manifest_path = value; }},
    {"--media",
     "",
     "",
     {"backup"},
     "also archive the media volume",
     [](Invocation& in, const std::string&) { in.media = true; }},
    {"--media",
     "",
     "FILE",
     {"restore"},
     "also restore the media volume from FILE (a name, a path, or latest)",
     [](Invocation& in, const std::string& value) { in.media_source = value; }},
    {"--reset",
     "",
     "",
     {"restore"},
     "drop and recreate the public schema first (in the same transaction)",
     [](Invocation& in, const std::string&) { in.reset = true; }},
    {"--no-safety-backup",
     "",
     "",
     {"restore"},
     "skip the backup of what the restore overwrites",
     [](Invocation& in, const std::string&) { in.no_safety_backup = true; }},
    {"--terminate-connections",
     "",
     "",
     {"restore"},
     "end other sessions on the database before loading",
     [](Invocation& in, const std::string&) { in.terminate_connections = true; }},
    {"--quiesce",
     "",
     "SERVICE",
     {"restore"},
     "stop this Compose service during the restore (repeatable)",
     [](Invocation& in, const std::string& value) { in.quiesce.push_back(value); }},
    {"--output",
     "-o",
     "DIR",
     {"backup", "restore", "recover"},
     "backup directory (default backups/django)",
     [](Invocation& in, const std::string& value) { in.output_directory = value; }},
    {"--prefix",
     "",
     "NAME",
     {"backup", "restore", "list", "verify", "prune", "drill"},
     "file name prefix (default: the Compose project; list, verify, prune: every prefix)",
     [](Invocation& in, const std::string& value) { in.prefix = value; }},
    {"--project", "-p", "NAME", kShortcutCommands,
     "Compose project (default: this container's project)",
     [](Invocation& in, const std::string& value) { in.project = value; }},
    {"--directory", "-d", "DIR", kStoreCommands, "backup directory (default backups/django)",
     [](Invocation& in, const std::string& value) { in.output_directory = value; }},
    {"--output",
     "-o",
     "wide|json|yaml",
     {"list", "prune"},
     "output format (default: a table)",
     [](Invocation& in, const std::string& value) {
       if (value != "wide" && value != "json" && value != "yaml")
         throw invalid_input("InvalidUsage", "-o takes wide, json or yaml, not " + value);
       in.output_format = value;
     }},
    {"--max-age",
     "",
     "DURATION",
     {"list"},
     "exit 1 when the newest good set is older (units y, m, w, d, h: 26h, 2d)",
     [](Invocation& in, const std::string& value) { in.max_age = value; }},
    {"--dry-run",
     "",
     "",
     {"prune", "drill", "backup", "restore", "run"},
     "check what can be checked, change nothing, print what would be done (exit 1: it would fail)",
     [](Invocation& in, const std::string&) { in.dry_run = true; }},
    {"--no-media",
     "",
     "",
     {"drill"},
     "drill the database alone, even when the set has media",
     [](Invocation& in, const std::string&) { in.no_media = true; }},
    retention_count("--keep-last", "keepLast", "keep the N newest sets"),
    retention_count("--keep-hourly", "keepHourly",
                    "keep the newest set of each of the last N hours"),
    retention_count("--keep-daily", "keepDaily", "... of each of the last N days"),
    retention_count("--keep-weekly", "keepWeekly", "... of each of the last N ISO weeks"),
    retention_count("--keep-monthly", "keepMonthly", "... of each of the last N months"),
    retention_count("--keep-yearly", "keepYearly", "... of each of the last N years"),
    {"--keep-within",
     "",
     "DURATION",
     {"prune"},
     "keep every set within DURATION of the newest (30d, 1y6m)",
     [](Invocation& in, const std::string& value) { in.retention["keepWithin"] = value; }},
    retention_count("--keep-safety", "keepSafety", "keep the N newest safety backups (default 3)"),
    {"--timezone",
     "",
     "ZONE",
     {"prune"},
     "zone the periods are counted in (default UTC)",
     [](Invocation& in, const std::string& value) { in.retention["timezone"] = value; }},
    {"--include-seed-made",
     "",
     "",
     {"prune"},
     "let the rules delete seed-made sets too",
     [](Invocation& in, const std::string&) { in.retention["includeSeedMade"] = true; }},
    {"--status-file", "", "PATH", kJobCommands,
     "where to write the status JSON (default <output>/status/<name>.json)",
     [](Invocation& in, const std::string& value) { in.status_file = value; }},
    {"--termination-log", "", "PATH", kJobCommands,
     "also write the final status there, compact (Kubernetes: /dev/termination-log)",
     [](Invocation& in, const std::string& value) { in.termination_log = value; }},
    {"--log-format", "", "text|json", kAllCommands, "log format on stderr (default text)",
     [](Invocation& in, const std::string& value) {
       if (value != "text" && value != "json")
         throw invalid_input("InvalidUsage", "--log-format takes text or json, not " + value);
       in.log_format = value == "json" ? LogFormat::json : LogFormat::text;
     }},
    {"--verbose", "-v", "", kAllCommands, "log debug messages too",
     [](Invocation& in, const std::string&) { in.verbose = true; }},
    {"--help", "-h", "", kAllCommands, "show this help",
     [](Invocation& in, const std::string&) { in.help = true; }},
};

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
