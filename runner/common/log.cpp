#include "common/log.h"

#include <cstdio>
#include <format>
#include <memory>
#include <mutex>
#include <regex>

#include <nlohmann/json.hpp>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

namespace hivekeeper {
namespace {

class StderrSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit StderrSink(LogFormat format) : format_(format) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& message) override {
    const std::string text = redact_secrets(std::string_view(message.payload.data(), message.payload.size()));
    const auto time = std::chrono::floor<std::chrono::milliseconds>(message.time);
    const std::string level(spdlog::level::to_string_view(message.level).data(),
                            spdlog::level::to_string_view(message.level).size());
    std::string line;
    if (format_ == LogFormat::json) {
      line = nlohmann::json{{"time", std::format("{:%Y-%m-%dT%H:%M:%S}Z", time)}, {"level", level}, {"msg", text}}
                 .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
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
  auto logger = std::make_shared<spdlog::logger>("hivekeeper", std::make_shared<StderrSink>(format));
  logger->set_level(verbose ? spdlog::level::debug : spdlog::level::info);
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
}

std::string redact_secrets(std::string_view text) {
  static const std::regex assignment(R"(((?:PG|POSTGRES_)?PASSWORD|password|passwd)(\s*[=:]\s*)([^\s&;,'"]+))",
                                     std::regex::icase);
  static const std::regex url_password(R"((postgres(?:ql)?://[^:/@\s]+:)([^@\s]+)(@))");
  std::string result = std::regex_replace(std::string(text), assignment, "$1$2***");
  return std::regex_replace(result, url_password, "$1***$3");
}

}  // namespace hivekeeper
