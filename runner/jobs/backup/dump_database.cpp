#include "jobs/backup/dump_database.h"

#include <algorithm>
#include <thread>

#include <spdlog/spdlog.h>

#include "archive/lz4_decoder.h"
#include "common/error.h"
#include "common/text.h"
#include "postgres/pg_dump.h"

namespace hivekeeper::jobs {
namespace {

// Raised, and caught by dump_database, when pg_dump lacks LZ4 support.
constexpr const char* kLz4Unsupported = "Lz4Unsupported";

// The first pg_dump error line; each line is logged. Throws kLz4Unsupported when pg_dump says
// it has no LZ4.
std::string first_dump_error(const std::string& errors, const std::string& where) {
  std::string first_error;
  for (std::size_t start = 0; start < errors.size();) {
    const std::size_t end = std::min(errors.find('\n', start), errors.size());
    const std::string_view line(errors.data() + start, end - start);
    if (!line.empty()) {
      spdlog::warn("pg_dump: {}", line);
      if (postgres::is_lz4_unsupported_line(line))
        throw job_failed(kLz4Unsupported, "pg_dump in " + where + " has no LZ4");
      if (first_error.empty() && postgres::is_pg_dump_error_line(line)) first_error = line;
    }
    start = end + 1;
  }
  return first_error;
}

Error dump_failed(const postgres::DatabaseCommands& commands, const BackupPlan& plan, int exit_code,
                  const std::string& first_error) {
  const std::string where = "database " + plan.database.name + " in " + commands.where;
  const bool in_container = !commands.by_hand.empty();
  return job_failed("DumpFailed",
                    "pg_dump of " + where + " failed (exit code " + std::to_string(exit_code) +
                        ")" + (first_error.empty() ? "" : ": " + first_error),
                    first_error.find("does not exist") != std::string::npos
                        ? std::string("check spec.database.name / spec.database.user") +
                              (in_container ? " against the container's POSTGRES_DB / POSTGRES_USER"
                                            : " (spec.target.postgres)") +
                              " (" + commands.typed("psql -U " + plan.database.user + " -l") +
                              " lists the databases)"
                        : "run the same pg_dump by hand to see the full output: " +
                              commands.typed("pg_dump -U " + plan.database.user + " " +
                                             plan.database.name + " > /dev/null"));
}

DatabaseDump dump_with(const postgres::DatabaseCommands& commands, const BackupPlan& plan,
                       std::unique_ptr<archive::ArtifactSink> sink, postgres::Transport transport,
                       ProgressCounter& progress) {
  DatabaseDump dump;
  dump.writer = archive::make_artifact_writer(plan.database_compression, std::move(sink),
                                              plan.database_level, compression_threads());
  archive::ArtifactWriter& writer = *dump.writer;
  std::string errors;
  const auto take_sql = [&](std::string_view sql) {
    progress.add(sql.size());  // SQL, whatever crosses the stream: what sqlBytes records
    dump.sql_bytes += sql.size();
    dump.scanner.feed(sql);
    writer.write(sql);
  };
  archive::Lz4FrameDecoder lz4(take_sql);
  const auto argv =
      postgres::pg_dump_command(plan.dump, plan.database.name, plan.database.user, transport);
  const int exit_code = commands.run(
      argv,
      [&](std::string_view bytes) {
        if (transport == postgres::Transport::lz4)
          lz4.feed(bytes);
        else
          take_sql(bytes);
      },
      [&](std::string_view bytes) { append_capped(errors, bytes); });

  const std::string first_error = first_dump_error(errors, commands.where);
  if (exit_code != 0 || !first_error.empty())
    throw dump_failed(commands, plan, exit_code, first_error);
  if (!dump.scanner.complete())
    throw job_failed("DumpIncomplete",
                     "pg_dump of database " + plan.database.name + " in " + commands.where +
                         " exited 0 but its output is incomplete (no \"dump complete\" trailer)",
                     "check the database server's log");
  if (transport == postgres::Transport::lz4) lz4.finish();
  dump.file = writer.finish();
  progress.finish();
  return dump;
}

}  // namespace

unsigned compression_threads() {
  return std::clamp(std::thread::hardware_concurrency(), 1u, 4u);
}

DatabaseDump dump_database(const postgres::DatabaseCommands& commands, const BackupPlan& plan,
                           const SinkFactory& create_sink, ProgressCounter& progress) {
  std::string version;
  commands.run(
      {"pg_dump", "--version"}, [&](std::string_view bytes) { version.append(bytes); },
      [](std::string_view) {});
  // Beside the runner there is no exec stream to spare: LZ4 would only cost CPU.
  const auto transport = commands.through_exec_stream
                             ? postgres::transport_for(postgres::pg_dump_major_version(version))
                             : postgres::Transport::plain;
  spdlog::debug("{}; output crosses the exec stream as {}", version.substr(0, version.find('\n')),
                transport == postgres::Transport::lz4 ? "LZ4" : "plain SQL");
  try {
    return dump_with(commands, plan, create_sink(), transport, progress);
  } catch (const Error& error) {
    if (error.reason() != kLz4Unsupported) throw;
    spdlog::info("pg_dump has no LZ4 support; dumping as plain SQL");
    return dump_with(commands, plan, create_sink(), postgres::Transport::plain, progress);
  }
}

}  // namespace hivekeeper::jobs
