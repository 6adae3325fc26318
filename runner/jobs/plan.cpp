#include "jobs/plan.h"

#include "common/error.h"
#include "postgres/pg_dump.h"

namespace hivekeeper::jobs {

Location database_location(const docker::Container& container, const std::string& server) {
  if (!server.empty()) return {"server", server};
  return {"container", container.name};
}

Location media_location(const std::string& volume, const std::filesystem::path& directory) {
  if (!volume.empty()) return {"volume", volume};
  return {"directory", directory.string()};
}

BackupPlan plan_backup(const manifest::Manifest& manifest, const Discovered& found,
                       Clock::time_point now) {
  return plan_backup(manifest.name, manifest.backup, found, now, false);
}

BackupPlan plan_backup(const std::string& job_name, const manifest::BackupSpec& spec,
                       const Discovered& found, Clock::time_point now, bool pre_restore) {
  BackupPlan plan;
  plan.job_name = job_name;
  plan.environment = spec.environment;
  plan.project = found.project;
  plan.prefix = !spec.output.prefix.empty() ? spec.output.prefix : found.project;
  if (plan.prefix.empty())
    throw invalid_input("PrefixUnknown",
                        "no file name prefix: spec.output.prefix is not set and there is no "
                        "Compose project to default to",
                        "set spec.output.prefix (or --prefix), e.g. beelab");
  plan.database_container = found.database_container;
  plan.database_server = found.server;
  plan.database = found.database;
  if (plan.database.name.find('/') != std::string::npos)
    throw invalid_input("InvalidDatabaseName",
                        "database name " + plan.database.name + " cannot be part of a file name",
                        "set spec.database.name");
  plan.pg_dump_options = postgres::pg_dump_options(spec.dump);
  plan.dump = spec.dump;
  plan.compression_level = spec.dump.compression_level;
  plan.media_volume = spec.media.enabled ? found.media_volume : "";
  if (spec.media.enabled && !spec.media.path.empty()) plan.media_directory = spec.media.path;
  plan.output_directory = spec.output.directory;
  plan.start = now;
  plan.timestamp = backup_timestamp(now);
  plan.files = backup_file_names(plan.prefix, plan.environment, plan.database.name, plan.timestamp,
                                 pre_restore);
  return plan;
}

}  // namespace hivekeeper::jobs
