#include "target/direct_target.h"

#include <sys/statvfs.h>

#include <cerrno>
#include <cstdlib>
#include <optional>

#include <spdlog/spdlog.h>

#include "archive/media_directory.h"
#include "common/error.h"
#include "common/text.h"
#include "target/database_commands.h"

namespace hivekeeper::target {
namespace {

int client_major(const std::string& tool) {
  std::string version;
  run_process(
      {{tool, "--version"}, {}, false}, [&](std::string_view bytes) { version.append(bytes); },
      [](std::string_view) {});
  return postgres::client_major_version(version);
}

}  // namespace

DirectTarget::DirectTarget(const TargetRequest& request) : media_path_(request.media_path) {
  const manifest::PostgresTarget& target = *request.target.postgres;
  settings_ = {target.host, target.port,    target.database,
               target.user, target.sslmode, {target.password_env, target.password_file}};
  const std::string address = target.host + ":" + std::to_string(target.port);
  facts_.database = {settings_.database, settings_.user};
  facts_.database_location = {"server", address};
  if (request.media) facts_.media_location = Location{"directory", media_path_};
  password_ = postgres::resolve_password(
      settings_.password_from, [](const std::string& name) -> std::optional<std::string> {
        const char* value = std::getenv(name.c_str());
        return value ? std::optional<std::string>(value) : std::nullopt;
      });
  info_ = postgres::probe_server(settings_, password_);
  // pg_dump takes backups (and the restore's safety backup); psql loads them.
  for (const char* tool : {"pg_dump", "psql"})
    postgres::require_client_not_older(client_major(tool), info_, tool);
  pgpass_ = std::make_unique<postgres::PgpassFile>(settings_, password_);
  application_name_ = "hivekeeper-" + random_token();
  commands_ = commands_beside_runner(
      postgres::client_environment(settings_, pgpass_->path(), application_name_), address);
  end_sessions_on_interrupt_ = std::make_unique<ScopedCleanup>([this, address] {
    if (!interrupted()) return;
    try {
      const int ended = postgres::terminate_sessions(settings_, password_, application_name_);
      if (ended > 0)
        spdlog::info("ended {} session(s) of the job on {}; their transactions rolled back", ended,
                     address);
    } catch (const Error& error) {
      spdlog::warn("{}; they end when the server notices the closed connections", error.what());
    }
  });
}

std::string DirectTarget::describe() const {
  return "server " + facts_.database_location.second + " (PostgreSQL " + info_.version + ")";
}

std::optional<std::pair<std::uint64_t, std::string>> DirectTarget::measure_media() const {
  const auto bytes = archive::directory_content_bytes(media_path_);
  if (!bytes) return std::nullopt;
  return std::pair{*bytes, std::string("directory size")};
}

void DirectTarget::read_media(archive::BytePipe& out,
                              const std::function<void(std::size_t)>& on_content) const {
  archive::require_media_directory(media_path_);
  archive::write_directory_tar(media_path_, "media", out, on_content);
}

std::vector<std::string> DirectTarget::prepare_restore(const manifest::QuiesceSpec& /*quiesce*/,
                                                       const BeforeStopping& /*before_stopping*/) {
  return {};
}

std::unique_ptr<MediaReplacement> DirectTarget::replace_media(
    const std::string& unique_suffix) const {
  return std::make_unique<DirectoryStaging>(media_path_, unique_suffix);
}

std::unique_ptr<ScratchDatabase> DirectTarget::create_scratch_database(
    const std::string& name) const {
  // psql beside the runner reaches it through a pgpass file of its own: libpq matches a pgpass
  // line by database name too. The same application name, so SIGTERM ends these sessions too.
  postgres::ConnectionSettings scratch = settings_;
  scratch.database = name;
  auto pgpass = std::make_shared<postgres::PgpassFile>(scratch, password_);
  auto commands = commands_beside_runner(
      postgres::client_environment(scratch, pgpass->path(), application_name_),
      facts_.database_location.second);
  return std::make_unique<ScratchDatabase>(commands_, facts_.database, name, std::move(commands),
                                           std::move(pgpass));
}

std::unique_ptr<ScratchMedia> DirectTarget::create_scratch_media(const Location& place) const {
  return std::make_unique<ScratchFolder>(place.second);
}

ScratchPreview DirectTarget::preview_scratch(const Location& place) const {
  ScratchPreview preview;
  const std::filesystem::path folder = place.second;
  std::error_code missing;
  preview.place_taken = std::filesystem::exists(std::filesystem::symlink_status(folder, missing));
  preview.database_free_where =
      "not measurable: the server's disk is out of the runner's reach in direct mode";
  const std::filesystem::path parent = folder.parent_path().empty() ? "." : folder.parent_path();
  struct statvfs space{};
  if (::statvfs(parent.c_str(), &space) == 0) {
    preview.media_free_bytes = static_cast<std::uint64_t>(space.f_bavail) * space.f_frsize;
    preview.media_free_where = "the backup directory " + parent.string();
  } else {
    preview.media_free_where =
        errno_text("not measured: cannot read the free space of " + parent.string(), errno);
  }
  return preview;
}

}  // namespace hivekeeper::target
