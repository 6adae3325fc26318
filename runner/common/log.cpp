#include "common/log.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>
#include <format>
#include <memory>
#include <mutex>
#include <regex>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

namespace hivekeeper {
namespace {

// The live lines at the bottom of a terminal; one lock orders them and every message on stderr.
struct LiveLines {
  std::mutex mutex;
  std::vector<std::string> lines;  // on the screen now

  std::string erase() const {
    return lines.empty() ? "" : std::format("\x1b[{}A\x1b[0J", lines.size());
  }
  std::string draw() const {
    std::string text;
    for (const auto& line : lines) text += line + "\n";
    return text;
  }
};

LiveLines& live_lines() {
  static LiveLines live;
  return live;
}

void write_stderr(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fflush(stderr);
}

std::size_t terminal_width() {
  winsize size{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 1) return size.ws_col - 1;
  return 79;
}

class StderrSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit StderrSink(LogFormat format) : format_(format) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& message) override {
    const std::string text =
        redact_secrets(std::string_view(message.payload.data(), message.payload.size()));
    const auto time = std::chrono::floor<std::chrono::milliseconds>(message.time);
    const std::string level(spdlog::level::to_string_view(message.level).data(),
                            spdlog::level::to_string_view(message.level).size());
    std::string line;
    if (format_ == LogFormat::json) {
      line =
          nlohmann::json{
              {"time", std::format("{:%Y-%m-%dT%H:%M:%S}Z", time)}, {"level", level}, {"msg", text}}
              .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
          "\n";
    } else {
      line = std::format("{:%H:%M:%S} {:<5} {}\n", time, level, text);
    }
    LiveLines& live = live_lines();
    std::lock_guard lock(live.mutex);
    write_stderr(live.erase() + line + live.draw());
  }
  void flush_() override { std::fflush(stderr); }

 private:
  LogFormat format_;
};

}  // namespace

void configure_logging(LogFormat format, bool verbose) {
  auto logger =
      std::make_shared<spdlog::logger>("hivekeeper", std::make_shared<StderrSink>(format));
  logger->set_level(verbose ? spdlog::level::debug : spdlog::level::info);
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
}

void show_live_lines(const std::vector<std::string>& lines) {
  LiveLines& live = live_lines();
  const std::size_t width = terminal_width();
  std::lock_guard lock(live.mutex);
  std::string text = live.erase();
  live.lines.clear();
  for (const auto& line : lines) live.lines.push_back(line.substr(0, width));
  write_stderr(text + live.draw());
}

void keep_live_lines() {
  LiveLines& live = live_lines();
  std::lock_guard lock(live.mutex);
  live.lines.clear();
}

void write_stderr_line(const std::string& line) {
  LiveLines& live = live_lines();
  std::lock_guard lock(live.mutex);
  write_stderr(live.erase() + line + "\n" + live.draw());
}

std::string redact_secrets(std::string_view text) {
  // The key may be quoted (JSON, YAML), the value quoted with ' or ", or bare.
  static const std::string key = R"(((?:PG|POSTGRES_)?PASSWORD|passwd)(["']?\s*[=:]\s*))";
  static const std::regex double_quoted(key + R"("[^"]*")", std::regex::icase);
  static const std::regex single_quoted(key + R"('[^']*')", std::regex::icase);
  static const std::regex bare(key + R"([^\s&;,'"]+)", std::regex::icase);
  static const std::regex url_password(R"((postgres(?:ql)?://[^:/@\s]+:)([^@\s]+)(@))");
  std::string result = std::regex_replace(std::string(text), double_quoted, "$1$2\"***\"");
  result = std::regex_replace(result, single_quoted, "$1$2'***'");
  result = std::regex_replace(result, bare, "$1$2***");
  return std::regex_replace(result, url_password, "$1***$3");
}

}  // namespace hivekeeper
