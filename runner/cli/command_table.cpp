#include "cli/command_table.h"

#include <charconv>

#include "common/error.h"

namespace hivekeeper::cli {
namespace {

const std::set<std::string> kJobCommands = {"run", "backup", "restore", "drill"};
const std::set<std::string> kBucketCommands = {"backup", "restore", "drill",
                                               "list",   "verify",  "prune"};

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

}  // namespace

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
     "dump's gzip or zstd stream whole and ending with pg_dump's trailer, the media archive "
     "readable to its end. The result is recorded (`list` shows it; prune keeps the newest good "
     "set). Exit 0 when every set passed, 1 otherwise. Default: the latest set.",
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

const std::set<std::string> kAllCommands = {"run",   "backup", "restore", "recover",  "list",
                                            "prune", "verify", "drill",   "validate", "version"};
const std::set<std::string> kStoreCommands = {"list", "verify", "prune", "drill"};
const std::set<std::string> kShortcutCommands = {"backup", "restore", "drill"};

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
    {"--compression",
     "",
     "gzip|zstd",
     {"backup"},
     "file format: gzip (.sql.gz, .tgz; the default) or zstd (.sql.zst, .tar.zst)",
     [](Invocation& in, const std::string& value) { in.compression = value; }},
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
    {"--upload-grace",
     "",
     "DURATION",
     {"prune"},
     "abort unfinished uploads (a killed backup's) older than this (default 1h; 0h: all)",
     [](Invocation& in, const std::string& value) { in.upload_grace = value; }},
    {"--s3-bucket", "", "NAME", kBucketCommands,
     "the sets are in this S3 bucket (keys from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)",
     [](Invocation& in, const std::string& value) { in.s3_bucket = value; }},
    {"--s3-endpoint", "", "URL", kBucketCommands,
     "the S3 server (default https://s3.<region>.amazonaws.com)",
     [](Invocation& in, const std::string& value) { in.s3_endpoint = value; }},
    {"--s3-region", "", "REGION", kBucketCommands, "the region requests are signed for (us-east-1)",
     [](Invocation& in, const std::string& value) { in.s3_region = value; }},
    {"--s3-prefix", "", "FOLDER", kBucketCommands, "a folder inside the bucket (e.g. beelab/prod)",
     [](Invocation& in, const std::string& value) { in.s3_prefix = value; }},
    {"--s3-path-style", "", "", kBucketCommands,
     "address the bucket as <endpoint>/<bucket> (MinIO and most self-hosted servers)",
     [](Invocation& in, const std::string&) { in.s3_path_style = true; }},
    {"--no-keep-local",
     "",
     "",
     {"backup"},
     "keep the set in the bucket only, not in --output",
     [](Invocation& in, const std::string&) { in.no_keep_local = true; }},
    {"--age-recipient",
     "",
     "AGE1...",
     {"backup"},
     "encrypt to this age public key (repeatable)",
     [](Invocation& in, const std::string& value) { in.age_recipients.push_back(value); }},
    {"--age-recipients-file",
     "",
     "FILE",
     {"backup"},
     "encrypt to the age public keys in FILE",
     [](Invocation& in, const std::string& value) { in.age_recipients_file = value; }},
    {"--age-identity",
     "",
     "FILE",
     {"restore", "drill", "verify"},
     "decrypt .age sets with the age identity (secret key) in FILE",
     [](Invocation& in, const std::string& value) { in.age_identity = value; }},
    {"--status-file", "", "PATH", kJobCommands,
     "where to write the status JSON (default <output>/status/<name>.json)",
     [](Invocation& in, const std::string& value) { in.status_file = value; }},
    {"--termination-log", "", "PATH", kJobCommands,
     "also write the final status there, compact (Kubernetes: /dev/termination-log)",
     [](Invocation& in, const std::string& value) { in.termination_log = value; }},
    {"--metrics-file",
     "",
     "PATH",
     {"run", "backup", "restore", "drill", "prune", "verify"},
     "also write the run's Prometheus metrics there, for node-exporter's textfile collector",
     [](Invocation& in, const std::string& value) { in.metrics_file = value; }},
    {"--pushgateway",
     "",
     "URL",
     {"prune", "verify"},
     "also push the run's metrics to this Prometheus Pushgateway (as spec.metrics.pushgateway)",
     [](Invocation& in, const std::string& value) {
       if (!value.starts_with("http://") && !value.starts_with("https://"))
         throw invalid_input("InvalidUsage",
                             "--pushgateway takes an http:// or https:// URL, not " + value,
                             "e.g. --pushgateway http://pushgateway:9091");
       in.pushgateway = value;
       while (in.pushgateway.ends_with('/')) in.pushgateway.pop_back();
     }},
    {"--log-format", "", "text|json", kAllCommands, "log format on stderr (default text)",
     [](Invocation& in, const std::string& value) {
       if (value != "text" && value != "json")
         throw invalid_input("InvalidUsage", "--log-format takes text or json, not " + value);
       in.log_format = value == "json" ? LogFormat::json : LogFormat::text;
     }},
    {"--progress", "", "auto|live|json|off", kJobCommands,
     "progress per phase: a live line on a terminal, JSON lines without (default auto)",
     [](Invocation& in, const std::string& value) {
       if (value != "auto" && value != "live" && value != "json" && value != "off")
         throw invalid_input("InvalidUsage",
                             "--progress takes auto, live, json or off, not " + value);
       in.progress = value;
     }},
    {"--progress-interval", "", "SECONDS", kJobCommands,
     "seconds between JSON progress lines and status.progress updates (default 5)",
     [](Invocation& in, const std::string& value) {
       const bool digits = !value.empty() && value.size() <= 4 &&
                           value.find_first_not_of("0123456789") == std::string::npos;
       if (!digits || std::stoi(value) < 1 || std::stoi(value) > 3600)
         throw invalid_input(
             "InvalidUsage",
             "--progress-interval takes whole seconds from 1 to 3600, not " + value);
       in.progress_interval_seconds = std::stoi(value);
     }},
    {"--verbose", "-v", "", kAllCommands, "log debug messages too",
     [](Invocation& in, const std::string&) { in.verbose = true; }},
    {"--help", "-h", "", kAllCommands, "show this help",
     [](Invocation& in, const std::string&) { in.help = true; }},
};

}  // namespace hivekeeper::cli
