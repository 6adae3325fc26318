// The BackupJob, step by step:
//   1. discover the database container (and media volume) and plan every name
//   2. dump the database (pg_dump in its container, through exec) and, at the same time, archive
//      the media volume (the engine's archive endpoint on a never-started helper container)
//   3. check pg_dump's exit code and stderr, and that the dump is complete
//   4. write the metadata, then move all files into place; on any failure none is left
#pragma once

#include "docker/client.h"
#include "manifest/manifest.h"
#include "status/status.h"

namespace hivekeeper::jobs {

// Throws hivekeeper::Error on failure, after removing every partial file. Fills the status.
void run_backup(const manifest::Manifest& manifest, const docker::Client& docker,
                status::StatusReporter& status);

}  // namespace hivekeeper::jobs
