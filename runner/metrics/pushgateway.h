// What goes to a Pushgateway and what goes to a textfile, decided from the status document alone.
// Pure functions; metrics/publish.h sends and writes.
//
// Each run rewrites the textfile, and a Pushgateway PUT replaces the whole group: either would
// erase when the last good run was. So a failed run carries the last success over from the file
// written before, and POSTs to the Pushgateway (which replaces only the metric names in the body)
// without the last-success metric, which keeps the sample a successful run PUT there.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "metrics/job_metrics.h"

namespace hivekeeper::metrics {

// The textfile's content for DOCUMENT; PREVIOUS is the file's content before ("" if none).
std::string textfile_text(const nlohmann::json& document, const JobIdentity& job,
                          std::string_view previous);

struct Push {
  std::string method;  // PUT after a success, POST after a failure
  std::string path;    // /metrics/job/<job>/hivekeeper_job/<name>/environment/<env>
  std::string body;
};
// The grouping key carries the job's name and environment, so the body's samples have only kind.
Push push_for(const nlohmann::json& document, const JobIdentity& job, const std::string& group_job);

// One grouping-key path segment "/<label>/<value>": the value as it is when it is plain
// ([A-Za-z0-9._~-]+), else base64url as "/<label>@base64/<value>" (the Pushgateway's way for a
// value with a slash, or an empty one).
std::string grouping_segment(const std::string& label, const std::string& value);

}  // namespace hivekeeper::metrics
