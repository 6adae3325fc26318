#include "docker/exec_stream.h"

#include <algorithm>

#include "common/error.h"

namespace hivekeeper::docker {

ExecStreamDemuxer::ExecStreamDemuxer(Sink on_stdout, Sink on_stderr)
    : on_stdout_(std::move(on_stdout)), on_stderr_(std::move(on_stderr)) {}

void ExecStreamDemuxer::feed(std::string_view bytes) {
  while (!bytes.empty()) {
    if (payload_left_ == 0) {
      const std::size_t take = std::min(bytes.size(), sizeof(header_) - header_filled_);
      std::copy_n(bytes.data(), take, header_ + header_filled_);
      header_filled_ += take;
      bytes.remove_prefix(take);
      if (header_filled_ < sizeof(header_)) return;
      header_filled_ = 0;
      stream_ = header_[0];
      if (stream_ > 2 || header_[1] != 0 || header_[2] != 0 || header_[3] != 0)
        throw job_failed("DockerProtocolError",
                         "the Docker engine sent an exec stream frame with an unknown header "
                         "(stream byte " +
                             std::to_string(stream_) + ")",
                         "the exec must run without a TTY; report this with the engine's version");
      payload_left_ = (std::uint32_t{header_[4]} << 24) | (std::uint32_t{header_[5]} << 16) |
                      (std::uint32_t{header_[6]} << 8) | std::uint32_t{header_[7]};
      continue;  // an empty frame is legal; the next bytes are a header again
    }
    const std::size_t take = std::min<std::size_t>(bytes.size(), payload_left_);
    // Stream 0 (stdin) never carries output; Docker would not send it, but treat it as stdout.
    (stream_ == 2 ? on_stderr_ : on_stdout_)(bytes.substr(0, take));
    payload_left_ -= static_cast<std::uint32_t>(take);
    bytes.remove_prefix(take);
  }
}

void ExecStreamDemuxer::finish() const {
  if (header_filled_ != 0)
    throw job_failed("DockerStreamTruncated",
                     "the exec output ended inside a frame header (" +
                         std::to_string(header_filled_) +
                         " of 8 bytes): the connection to the Docker engine broke",
                     "check the engine's log (journalctl -u docker or /var/log/dockerd.log)");
  if (payload_left_ != 0)
    throw job_failed("DockerStreamTruncated",
                     "the exec output ended in the middle of a frame (" +
                         std::to_string(payload_left_) +
                         " bytes missing): the connection to the "
                         "Docker engine broke",
                     "check the engine's log (journalctl -u docker or /var/log/dockerd.log)");
}

}  // namespace hivekeeper::docker
