#include "common/log.h"

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
    std::fwrite(line.data(), 1, line.size(), stderr);
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
