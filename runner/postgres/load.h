// The psql load protocol: a dump streamed into psql's standard input inside one transaction,
// with psql in the database container (docker exec) or beside the runner (direct mode), as
// DatabaseCommands says. The dump is decompressed here and framed and filtered by
// postgres/restore_sql.h, and psql reads it as plain SQL. Memory stays bounded
// whatever the dump's size. load() returns with the transaction still open, so the caller
// commits only after every other check has passed; anything else rolls it back.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "archive/file_reader.h"
#include "postgres/commands.h"
#include "postgres/restore_sql.h"

namespace hivekeeper::postgres {

struct LoadResult {
  archive::FileDigest file;                          // the .sql.gz as read
  std::map<std::string, std::uint64_t> loaded_rows;  // from psql's COPY tags
  std::map<std::string, std::uint64_t> dump_rows;    // counted in the stream
  std::uint64_t sql_bytes = 0;
  std::uint64_t statements_skipped = 0;
};

class DatabaseLoad {
 public:
  DatabaseLoad(const DatabaseCommands& commands, const DatabaseIdentity& database,
               const RestoreSqlOptions& options);
  ~DatabaseLoad();  // rolls back unless committed

  // Streams the dump and waits until psql has executed all of it. `expected_sha256` ("" = none)
  // is compared before the caller can commit. Throws, with the transaction rolled back, when
  // the file is corrupt or incomplete or a statement fails.
  // ON_READ is told each chunk read from the file, for progress.
  LoadResult load(const std::filesystem::path& dump_file, const std::string& expected_sha256,
                  const archive::ReadProgress& on_read = {});
  void commit();
  void roll_back();

 private:
  [[noreturn]] void fail_with_psql_error(const std::filesystem::path& dump_file);
  std::string stderr_text();
  void send(std::string_view sql);
  void send_unsent();

  std::string by_hand_;
  DatabaseIdentity database_;
  RestoreSqlOptions options_;
  std::unique_ptr<AttachedCommand> psql_;
  static constexpr std::size_t kWriteBytes = 256 * 1024;
  std::string unsent_;  // what send() has not written yet, less than kWriteBytes
  std::mutex mutex_;
  std::condition_variable changed_;
  PsqlOutput output_;
  std::string errors_;
  bool finished_ = false;
};

}  // namespace hivekeeper::postgres
