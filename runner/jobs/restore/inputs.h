// Step 1 of a restore, the files' half: read each planned file's set metadata; read the whole
// dump once, checking its sha256 against the metadata and every line against what the restore
// lets psql run (postgres/dump_checker.h); and read the whole media archive once, refusing unsafe
// entries (archive/media_restore.h). Nothing is touched yet; a file that fails here changes
// nothing.
#pragma once

#include <optional>

#include "archive/media_restore.h"
#include "jobs/progress.h"
#include "jobs/restore/plan.h"
#include "status/status.h"
#include "store/set_metadata.h"

namespace hivekeeper::jobs {

struct RestoreInputs {
  std::optional<store::SetMetadata> database_metadata;
  std::optional<store::SetMetadata> media_metadata;
  std::optional<archive::MediaArchiveContents> media;
};

RestoreInputs check_inputs(const RestorePlan& plan, status::StatusReporter& status,
                           ProgressBoard& progress);

// The one pass over the dump before anything touches the server: decompress (the gzip stream
// must be whole), hash, and check every line as psql would read it (postgres/dump_checker.h:
// only SQL our transaction allows, ending with pg_dump's trailer), so a refused dump never
// reaches psql. A damaged file is reported as such first: its garbage would only confuse the
// checker. Throws the first problem found. Returns whether pg_dump's closing line arrived (the
// restore's load insists on it later; verify and drill report it).
bool check_dump(const std::filesystem::path& file,
                const std::optional<store::SetMetadata>& metadata,
                const archive::ReadProgress& on_read = {});

// Raises ChecksumMismatch when METADATA records another sha256 for FILE than ACTUAL.
void check_sha256(const std::filesystem::path& file,
                  const std::optional<store::SetMetadata>& metadata, const std::string& actual);

}  // namespace hivekeeper::jobs
