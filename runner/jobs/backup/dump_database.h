// The database half of a backup: pg_dump where the target runs it, its output checked (exit
// code, error lines, the "dump complete" trailer) and counted (server version, rows per table,
// postgres/dump_scanner.h) while it is compressed (gzip or zstd) into its artifact on every core.
#pragma once

#include <functional>
#include <memory>

#include "archive/artifact_writer.h"
#include "jobs/backup/plan.h"
#include "jobs/progress.h"
#include "postgres/commands.h"
#include "postgres/dump_scanner.h"

namespace hivekeeper::jobs {

// A finished dump, still under its temporary name until the set is committed.
struct DatabaseDump {
  std::unique_ptr<archive::ArtifactWriter> writer;
  archive::WrittenFile file;
  postgres::DumpScanner scanner;
  std::uint64_t sql_bytes = 0;  // what pg_dump wrote, uncompressed
};

using SinkFactory = std::function<std::unique_ptr<archive::ArtifactSink>()>;

// Compresses into a sink from CREATE_SINK. pg_dump 16 and later compress with LZ4 in the
// container, so a third of the bytes cross the exec stream; an older pg_dump, or one built
// without LZ4, sends plain SQL (a second attempt, into a fresh sink).
DatabaseDump dump_database(const postgres::DatabaseCommands& commands, const BackupPlan& plan,
                           const SinkFactory& create_sink, ProgressCounter& progress);

// How many threads compress: capped, since each keeps compressed blocks in flight and peak
// memory must stay bounded on a large host whose container sees every core.
unsigned compression_threads();

}  // namespace hivekeeper::jobs
