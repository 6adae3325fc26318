#include "cli/offsite_flags.h"

namespace hivekeeper::cli {

using nlohmann::json;

void add_offsite_flags(const Invocation& invocation, json& spec) {
  if (!invocation.s3_bucket.empty()) {
    json s3 = {{"bucket", invocation.s3_bucket},
               {"accessKeyIdFrom", {{"env", "AWS_ACCESS_KEY_ID"}}},
               {"secretAccessKeyFrom", {{"env", "AWS_SECRET_ACCESS_KEY"}}}};
    if (!invocation.s3_endpoint.empty()) s3["endpoint"] = invocation.s3_endpoint;
    if (!invocation.s3_region.empty()) s3["region"] = invocation.s3_region;
    // The schema wants a folder ending in '/'; on the command line `beelab/prod` is as clear.
    if (!invocation.s3_prefix.empty())
      s3["prefix"] =
          invocation.s3_prefix.ends_with('/') ? invocation.s3_prefix : invocation.s3_prefix + "/";
    if (invocation.s3_path_style) s3["forcePathStyle"] = true;
    spec["storage"]["s3"] = s3;
  }
  if (invocation.no_keep_local) spec["storage"]["keepLocal"] = false;
  json age = json::object();
  if (!invocation.age_recipients.empty()) age["recipients"] = invocation.age_recipients;
  if (!invocation.age_recipients_file.empty())
    age["recipientsFile"] = invocation.age_recipients_file;
  if (!invocation.age_identity.empty()) age["identityFrom"] = {{"file", invocation.age_identity}};
  if (!age.empty()) spec["encryption"]["age"] = age;
}

}  // namespace hivekeeper::cli
