#include "postgres/load.h"

#include <spdlog/spdlog.h>

#include "common/error.h"
#include "common/text.h"
#include "postgres/dump_scanner.h"

namespace hivekeeper::postgres {
namespace {

std::string hint_for(const std::string& message, const std::string& by_hand) {
  if (message.find("already exists") != std::string::npos)
    return "the dump was made without --clean (plain pg_dump, as the seed's scripts do) and the "
           "database already holds its objects: restore with --reset (spec.reset: true)";
  if (message.find("lock timeout") != std::string::npos)
    return "another session holds a lock the restore needs: stop the app during the restore "
           "(spec.quiesce.services) or let the job end other sessions (--terminate-connections, "
           "spec.terminateConnections: true)";
  if (message.find("role") != std::string::npos &&
      message.find("does not exist") != std::string::npos)
    return "the dump names a role this server lacks; create it (`" + by_hand +
           "createuser ROLE`) or restore into the environment the dump came from";
  return "fix the statement in a copy of the dump, or restore another backup; `zcat FILE | sed -n "
         "'LINE,+5p'` shows the statement";
}

}  // namespace

DatabaseLoad::DatabaseLoad(const DatabaseCommands& commands, const DatabaseIdentity& database,
                           const RestoreSqlOptions& options)
    : by_hand_(commands.by_hand), database_(database), options_(options) {
  // Plain SQL into psql, across the exec stream too: the engine carries it at some 300 MB/s, more
  // than psql loads, and compressing it for the crossing (as this runner once did) cost more CPU
  // in the runner and in the container (gzip -dc) than the crossing saved, on cores that the
  // server needs.
  psql_ = commands.start(
      psql_load_command(database_.name, database_.user),
      [this](std::string_view bytes) {
        std::lock_guard lock(mutex_);
        output_.feed(bytes);
        changed_.notify_all();
      },
      [this](std::string_view bytes) {
        std::lock_guard lock(mutex_);
        append_capped(errors_, bytes);
        changed_.notify_all();
      });
}

void DatabaseLoad::send(std::string_view sql) {
  // The filter hands over a statement line by line; one write each would cost the runner and the
  // engine a round per line. COPY rows come in runs of up to a MiB and go out as they are.
  if (unsent_.empty() && sql.size() >= kWriteBytes) {
    psql_->write(sql);
    return;
  }
  unsent_.append(sql);
  if (unsent_.size() >= kWriteBytes) send_unsent();
}

void DatabaseLoad::send_unsent() {
  if (unsent_.empty()) return;
  psql_->write(unsent_);
  unsent_.clear();
}

DatabaseLoad::~DatabaseLoad() {
  try {
    roll_back();
  } catch (...) {
    // Closing the input is all a rollback needs; the server aborts the transaction either way.
  }
}

std::string DatabaseLoad::stderr_text() {
  std::lock_guard lock(mutex_);
  return errors_;
}

void DatabaseLoad::roll_back() {
  if (finished_) return;
  finished_ = true;
  psql_->close_input();
  psql_->wait();
}

void DatabaseLoad::fail_with_psql_error(const std::filesystem::path& dump_file) {
  try {
    roll_back();
  } catch (const Error&) {
  }
  const auto error = first_psql_error(stderr_text());
  const std::string where =
      error.dump_line > 0 ? " at line " + std::to_string(error.dump_line) + " of the dump" : "";
  throw job_failed(
      "RestoreSqlFailed",
      "restoring " + dump_file.filename().string() + " into database " + database_.name +
          " failed" + where + ": " +
          (error.message.empty() ? "psql stopped without an error message" : error.message) +
          "; the transaction was rolled back and the database is unchanged",
      hint_for(error.message, by_hand_));
}

LoadResult DatabaseLoad::load(const std::filesystem::path& dump_file,
                              const std::string& expected_sha256,
                              const archive::ReadProgress& on_read) {
  LoadResult result;
  DumpScanner scanner;
  RestoreSqlFilter filter(options_, [&](std::string_view bytes) { send(bytes); });
  try {
    send(restore_preamble(options_));
    result.file = archive::read_compressed_file(
        dump_file,
        [&](std::string_view sql) {
          // psql stopped (a failing statement): no point sending the rest.
          if (psql_->output_ended())
            throw job_failed("ExecInputRefused", "psql exited before the dump was sent");
          result.sql_bytes += sql.size();
          scanner.feed(sql);
          filter.feed(sql);
        },
        on_read);
    filter.finish();
  } catch (const Error& error) {
    if (error.reason() == "ExecInputRefused") fail_with_psql_error(dump_file);
    roll_back();
    throw;
  }
  if (!scanner.complete()) {
    roll_back();
    throw job_failed("DumpIncomplete",
                     dump_file.filename().string() +
                         " ends before pg_dump's \"dump complete\" trailer: the dump was cut "
                         "short when it was made; nothing was restored",
                     "restore an earlier backup");
  }
  if (!expected_sha256.empty() && result.file.sha256 != expected_sha256) {
    roll_back();
    throw job_failed("ChecksumMismatch", dump_file.filename().string() +
                                             " changed while it was read (sha256 " +
                                             result.file.sha256 + ", metadata " + expected_sha256 +
                                             "); nothing was restored");
  }
  try {
    send(restore_epilogue());
    send_unsent();
  } catch (const Error&) {
    fail_with_psql_error(dump_file);
  }
  {
    std::unique_lock lock(mutex_);
    while (!output_.loaded() && !psql_->output_ended())
      changed_.wait_for(lock, std::chrono::milliseconds(200));
    if (!output_.loaded()) {
      lock.unlock();
      fail_with_psql_error(dump_file);
    }
    const auto& tables = filter.copy_tables();
    const auto& counts = output_.copy_counts();
    for (std::size_t i = 0; i < tables.size() && i < counts.size(); ++i)
      result.loaded_rows[tables[i]] = counts[i];
  }
  result.dump_rows = scanner.row_counts();
  result.statements_skipped = filter.statements_skipped();
  return result;
}

void DatabaseLoad::commit() {
  finished_ = true;
  try {
    send("COMMIT;\n");
    send_unsent();
  } catch (const Error&) {
    // psql went away; its exit code and output below tell what happened
  }
  psql_->close_input();
  const int exit_code = psql_->wait();
  bool committed = false;
  {
    std::lock_guard lock(mutex_);
    committed = output_.committed();
  }
  if (exit_code != 0 || !committed) {
    const auto error = first_psql_error(stderr_text());
    // Only an error the server reported for the COMMIT means it rolled back; a psql that died
    // or lost its connection leaves the outcome unknown, and the message must not guess.
    const bool server_refused = error.message.starts_with("ERROR:");
    throw job_failed("CommitFailed",
                     "the restore's COMMIT failed in database " + database_.name + ": " +
                         (error.message.empty() ? "psql exit code " + std::to_string(exit_code)
                                                : error.message) +
                         (server_refused ? "; the transaction was rolled back and the database is "
                                           "unchanged"
                                         : "; psql did not confirm the COMMIT, so whether the "
                                           "restore took effect is unknown"),
                     server_refused ? ""
                                    : "check the database's tables before using it; restore "
                                      "again (with --reset) to be sure of its content");
  }
}

}  // namespace hivekeeper::postgres
