#include "status/lifecycle.h"

namespace hivekeeper::status {

void mark_pending(JobStatus& job, const std::string& now) {
  job.phase = Phase::Pending;
  job.start_time = now;
  set_condition(job.conditions, {"Running", "False", "Pending", "waiting to start", now});
}

void mark_waiting(JobStatus& job, const std::string& message, const std::string& now) {
  set_condition(job.conditions, {"Running", "False", "Waiting", message, now});
}

void mark_running(JobStatus& job, const std::string& now) {
  job.phase = Phase::Running;
  set_condition(job.conditions, {"Running", "True", "Started", "the job is running", now});
}

void mark_succeeded(JobStatus& job, const std::string& reason, const std::string& message,
                    const std::string& now) {
  job.phase = Phase::Succeeded;
  job.completion_time = now;
  job.message = message;
  set_condition(job.conditions, {"Running", "False", "Completed", message, now});
  set_condition(job.conditions, {"Complete", "True", reason, message, now});
}

void mark_failed(JobStatus& job, const std::string& reason, const std::string& message,
                 const std::string& now) {
  job.phase = Phase::Failed;
  job.completion_time = now;
  job.message = message;
  std::erase_if(job.artifacts,
                [](const Artifact& artifact) { return !artifact.kind.starts_with("safety-"); });
  set_condition(job.conditions, {"Running", "False", reason, message, now});
  set_condition(job.conditions, {"Failed", "True", reason, message, now});
}

}  // namespace hivekeeper::status
