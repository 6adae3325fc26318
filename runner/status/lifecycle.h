// The job's phases as Kubernetes shows them: Pending (waiting to start, or for the backup
// directory) → Running → Succeeded | Failed, each a change of phase, conditions and times on a
// JobStatus. Pure functions; jobs/run.h applies them through the StatusReporter.
#pragma once

#include <string>

#include "status/status.h"

namespace hivekeeper::status {

// NOW is an RFC 3339 time; REASON is CamelCase.
void mark_pending(JobStatus& job, const std::string& now);
void mark_waiting(JobStatus& job, const std::string& message, const std::string& now);
void mark_running(JobStatus& job, const std::string& now);
void mark_succeeded(JobStatus& job, const std::string& reason, const std::string& message,
                    const std::string& now);
// A failed job's own files are gone; a restore's safety backup stays, and stays listed.
void mark_failed(JobStatus& job, const std::string& reason, const std::string& message,
                 const std::string& now);

}  // namespace hivekeeper::status
