#include "jobs/restore/plan.h"

#include "common/error.h"

namespace hivekeeper::jobs {
namespace {

const char* kind_name(store::ArtifactKind kind) {
  return kind == store::ArtifactKind::database ? "database"
         : kind == store::ArtifactKind::media  ? "media"
                                               : "metadata";
}

// The spec of the safety backup: the restore's target, environment and directory, with the
// dump options a backup has by default.
manifest::BackupSpec safety_backup_spec(const manifest::RestoreSpec& spec,
                                        const std::string& prefix) {
  manifest::BackupSpec backup;
  backup.environment = spec.environment;
  backup.media.enabled = !spec.source.media.empty();
  backup.output.directory = spec.source.directory;
  backup.output.prefix = prefix;
  return backup;
}

}  // namespace

bool restore_needs_listing(const manifest::RestoreSpec& spec) {
  return spec.source.database == "latest" || spec.source.media == "latest";
}

RestoreSource resolve_source(const std::string& requested, const std::filesystem::path& directory,
                             const std::vector<std::string>& names, const std::string& prefix,
                             manifest::Environment environment, store::ArtifactKind kind) {
  if (requested != "latest") {
    const std::filesystem::path file = requested.find('/') != std::string::npos
                                           ? std::filesystem::path(requested)
                                           : directory / requested;
    return {file, file.parent_path(), file.filename().string()};
  }
  const auto newest = store::newest_backup(names, prefix, environment, kind);
  if (!newest) {
    const std::string pattern =
        prefix + "_" + manifest::to_string(environment) +
        (kind == store::ArtifactKind::database ? "_db_*.sql.gz (or .sql.zst)"
                                               : "_media_*.tgz (or .tar.zst)");
    throw job_failed("NoBackupFound",
                     "no " + std::string(kind_name(kind)) + " backup " + pattern + " in " +
                         directory.string() + "; nothing was restored",
                     "name the file to restore, or check the prefix (spec.source.prefix, "
                     "--prefix) and the directory (`ls " +
                         directory.string() + "`)");
  }
  return {directory / *newest, directory, *newest};
}

RestorePlan plan_restore(const manifest::Manifest& manifest, const target::TargetFacts& target,
                         const std::vector<std::string>& names, Clock::time_point now) {
  const manifest::RestoreSpec& spec = manifest.restore;
  RestorePlan plan;
  plan.job_name = manifest.name;
  plan.environment = spec.environment;
  plan.reset = spec.reset;
  plan.terminate_connections = spec.terminate_connections;
  plan.lock_timeout_seconds = spec.lock_timeout_seconds;
  plan.quiesce = spec.quiesce;

  // A prefix is needed to find `latest` and to name the safety backup; files named outright
  // need none.
  std::string prefix = spec.source.prefix;
  if (restore_needs_listing(spec) || spec.safety_backup)
    prefix = store::choose_prefix(spec.source.prefix, target.project, "spec.source.prefix");
  const std::filesystem::path directory = spec.source.directory;
  plan.database = resolve_source(spec.source.database, directory, names, prefix, spec.environment,
                                 store::ArtifactKind::database);
  if (!spec.source.media.empty())
    plan.media = resolve_source(spec.source.media, directory, names, prefix, spec.environment,
                                store::ArtifactKind::media);
  if (spec.safety_backup)
    plan.safety_backup = plan_backup(manifest.name, safety_backup_spec(spec, prefix), target, now,
                                     /*pre_restore=*/true);
  return plan;
}

}  // namespace hivekeeper::jobs
