#include "jobs/backup/plan.h"

#include <algorithm>

#include "common/error.h"
#include "postgres/pg_dump.h"

namespace hivekeeper::jobs {
namespace {

store::BackupFileNames files_of(const BackupPlan& plan) {
  store::BackupFileNames files =
      store::backup_file_names(plan.prefix, plan.environment, plan.database.name, plan.timestamp,
                               plan.pre_restore, plan.database_compression, plan.media_compression);
  if (plan.encrypted) {
    files.database += ".age";
    files.media += ".age";
  }
  return files;
}

archive::Compression compression_named(const std::string& name, const std::string& field) {
  if (const auto compression = archive::parse_compression(name)) return *compression;
  throw invalid_input("InvalidManifest", field + ": unknown compression " + name,
                      "use gzip or zstd");
}

// The media follow the dump's format unless told otherwise, and its level when they share it.
void choose_compression(BackupPlan& plan, const manifest::BackupSpec& spec) {
  plan.database_compression = compression_named(spec.dump.compression, "spec.dump.compression");
  plan.database_level =
      spec.dump.compression_level.value_or(archive::default_level(plan.database_compression));
  plan.media_compression =
      spec.media.compression.empty()
          ? plan.database_compression
          : compression_named(spec.media.compression, "spec.media.compression");
  plan.media_level = plan.media_compression == plan.database_compression
                         ? plan.database_level
                         : archive::default_level(plan.media_compression);
}

}  // namespace

BackupPlan plan_backup(const manifest::Manifest& manifest, const target::TargetFacts& target,
                       Clock::time_point now) {
  BackupPlan plan = plan_backup(manifest.name, manifest.backup, target, now, false);
  plan.encrypted = manifest.encryption.age.has_value();
  plan.files = files_of(plan);
  return plan;
}

BackupPlan plan_backup(const std::string& job_name, const manifest::BackupSpec& spec,
                       const target::TargetFacts& target, Clock::time_point now, bool pre_restore) {
  BackupPlan plan;
  plan.job_name = job_name;
  plan.environment = spec.environment;
  plan.project = target.project;
  plan.prefix = store::choose_prefix(spec.output.prefix, target.project, "spec.output.prefix");
  plan.database = target.database;
  if (plan.database.name.find('/') != std::string::npos)
    throw invalid_input("InvalidDatabaseName",
                        "database name " + plan.database.name + " cannot be part of a file name",
                        "set spec.database.name");
  plan.database_location = target.database_location;
  if (spec.media.enabled) plan.media_location = target.media_location;
  plan.pg_dump_options = postgres::pg_dump_options(spec.dump);
  plan.dump = spec.dump;
  choose_compression(plan, spec);
  plan.output_directory = spec.output.directory;
  plan.start = now;
  plan.timestamp = store::backup_timestamp(now);
  plan.pre_restore = pre_restore;
  plan.files = files_of(plan);
  return plan;
}

BackupPlan with_free_names(BackupPlan plan, const std::vector<std::string>& taken) {
  const auto is_taken = [&](const std::string& name) {
    return std::find(taken.begin(), taken.end(), name) != taken.end();
  };
  while (is_taken(plan.files.database) || is_taken(plan.files.media) ||
         is_taken(plan.files.metadata)) {
    plan.start += std::chrono::seconds(1);
    plan.timestamp = store::backup_timestamp(plan.start);
    plan.files = files_of(plan);
  }
  return plan;
}

}  // namespace hivekeeper::jobs
