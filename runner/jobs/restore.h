// The RestoreJob, step by step:
//   1. discover the containers and volume; resolve the files (latest, a name, a path); check
//      their metadata checksums and read the whole media archive, refusing unsafe entries
//   2. start the database container if it is stopped; stop the services to quiesce
//   3. take the safety backup of what is about to be overwritten (<prefix>_<env>_pre-restore_...)
//   4. stream the dump into psql inside one transaction while the media are staged in the
//      volume and verified; compare the row counts; COMMIT only if all of it holds
//   5. swap the staged media in; start the quiesced services again (also on failure)
// In direct mode (spec.target.postgres) step 1 checks the server instead (DirectServer), step 2
// has nothing to start or stop, psql and pg_dump run beside the runner, and the media are staged
// and swapped in the mounted directory spec.media.path.
#pragma once

#include "docker/client.h"
#include "manifest/manifest.h"
#include "status/status.h"

namespace hivekeeper::jobs {

void run_restore(const manifest::Manifest& manifest, const docker::Client& docker,
                 status::StatusReporter& status);

}  // namespace hivekeeper::jobs
