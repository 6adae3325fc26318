// Splits the multiplexed stream of a non-TTY exec or attach into stdout and stderr. Docker frames
// it as an 8-byte header (stream type, 3 zero bytes, big-endian payload length) followed by the
// payload; frames arrive split across reads at any byte, headers included, so the demultiplexer
// keeps partial state between feed() calls and never buffers more than one header.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>

namespace hivekeeper::docker {

class ExecStreamDemuxer {
 public:
  using Sink = std::function<void(std::string_view)>;

  ExecStreamDemuxer(Sink on_stdout, Sink on_stderr);

  // Throws hivekeeper::Error on a frame header that is not Docker's.
  void feed(std::string_view bytes);
  // Throws if the stream ended inside a frame (the connection broke mid-output).
  void finish() const;

 private:
  Sink on_stdout_;
  Sink on_stderr_;
  unsigned char header_[8] = {};
  std::size_t header_filled_ = 0;
  std::uint32_t payload_left_ = 0;
  std::uint8_t stream_ = 0;
};

}  // namespace hivekeeper::docker
