// One job from start to end, whatever its kind: the status file from Pending to Succeeded or
// Failed, SIGINT/SIGTERM handling, one job at a time per backup directory (the store's lock),
// the target opened once, the job itself, then peak memory, the termination message and the
// summary line on stdout. Errors are recorded in the status and rethrown for cli/ to report.
#pragma once

#include <filesystem>
#include <string>

#include "manifest/manifest.h"

namespace hivekeeper::jobs {

struct RunOptions {
  std::filesystem::path status_file;  // "" = <directory>/status/<name>.json
  std::string termination_log;        // "" = none; else Kubernetes' terminationMessagePath
  // A RestoreJob recorded as done (same metadata.name, spec and annotation
  // hivekeeper.io/restore-id; store/restore_records.h) is not run again: it ends Succeeded with
  // reason AlreadyRestored. Set for manifests applied with `run -f` (GitOps re-creates their Job
  // on every sync), never for the `restore` command, which a person types meaning it.
  bool once = false;
  std::string metrics_file;  // "" = none; else the Prometheus textfile to write (metrics/publish.h)
};

void run_job(const manifest::Manifest& manifest, const RunOptions& options);

}  // namespace hivekeeper::jobs
