#include "common/error.h"

#include <cstring>

namespace hivekeeper {

Error::Error(ErrorKind kind, std::string reason, std::string message, std::string hint,
             std::vector<std::string> details)
    : std::runtime_error(std::move(message)),
      kind_(kind),
      reason_(std::move(reason)),
      hint_(std::move(hint)),
      details_(std::move(details)) {}

std::string Error::describe() const {
  std::string text = what();
  for (const auto& detail : details_) text += "\n  " + detail;
  if (!hint_.empty()) text += "\nhint: " + hint_;
  return text;
}

std::string errno_text(const std::string& context, int error_number) {
  return context + ": " + std::strerror(error_number);
}

}  // namespace hivekeeper
