// ExecStreamDemuxer on Docker's multiplexed exec output. The frames here are built byte by byte
// from the documented format and stand in for the daemon: a real engine cannot be made to split a
// frame (or its header) at a chosen byte, which is exactly what these tests need to control.
#include "docker/exec_stream.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "support/test_support.h"

namespace hivekeeper::docker {
namespace {

using hivekeeper::testing::error_from;

// One frame: stream byte, three zero bytes, big-endian payload length, payload.
std::string frame(unsigned char stream, const std::string& payload) {
  const auto size = static_cast<std::uint32_t>(payload.size());
  std::string bytes = {static_cast<char>(stream),
                       0,
                       0,
                       0,
                       static_cast<char>(size >> 24),
                       static_cast<char>((size >> 16) & 0xff),
                       static_cast<char>((size >> 8) & 0xff),
                       static_cast<char>(size & 0xff)};
  return bytes + payload;
}

struct Captured {
  std::string out;
  std::string err;
  std::string order;  // "o"/"e" per sink call with data, to check interleaving
};

class Demux {
 public:
  Demux()
      : demuxer_([this](std::string_view bytes) { take(captured.out, 'o', bytes); },
                 [this](std::string_view bytes) { take(captured.err, 'e', bytes); }) {}
  void feed(std::string_view bytes) { demuxer_.feed(bytes); }
  void finish() const { demuxer_.finish(); }
  Captured captured;

 private:
  void take(std::string& into, char tag, std::string_view bytes) {
    into.append(bytes);
    if (!bytes.empty() && (captured.order.empty() || captured.order.back() != tag))
      captured.order += tag;
  }
  ExecStreamDemuxer demuxer_;
};

TEST(ExecStreamDemuxer, SeparatesInterleavedStdoutAndStderr) {
  Demux demux;
  demux.feed(frame(1, "COPY public.glyphs") + frame(2, "pg_dump: warning: x\n") +
             frame(1, " FROM stdin;\n") + frame(2, "done\n"));
  demux.finish();
  EXPECT_EQ(demux.captured.out, "COPY public.glyphs FROM stdin;\n");
  EXPECT_EQ(demux.captured.err, "pg_dump: warning: x\ndone\n");
  EXPECT_EQ(demux.captured.order, "oeoe");
}

TEST(ExecStreamDemuxer, StreamZeroIsTreatedAsStdout) {
  Demux demux;
  demux.feed(frame(0, "stdin?"));
  demux.finish();
  EXPECT_EQ(demux.captured.out, "stdin?");
  EXPECT_EQ(demux.captured.err, "");
}

TEST(ExecStreamDemuxer, SameOutputWhateverByteTheStreamIsSplitAt) {
  const std::string stream = frame(1, "first line\n") + frame(2, "") + frame(2, "an error\n") +
                             frame(1, std::string(300, 'x')) + frame(1, "") + frame(2, "e") +
                             frame(1, "end\n");
  for (std::size_t split = 0; split <= stream.size(); ++split) {
    SCOPED_TRACE("split at byte " + std::to_string(split));
    Demux demux;
    demux.feed(std::string_view(stream).substr(0, split));
    demux.feed(std::string_view(stream).substr(split));
    demux.finish();
    EXPECT_EQ(demux.captured.out, "first line\n" + std::string(300, 'x') + "end\n");
    EXPECT_EQ(demux.captured.err, "an error\ne");
  }
}

TEST(ExecStreamDemuxer, SameOutputFedOneByteAtATime) {
  const std::string stream = frame(2, "ab") + frame(1, "cd") + frame(2, "") + frame(1, "ef");
  Demux demux;
  for (char byte : stream) demux.feed(std::string_view(&byte, 1));
  demux.finish();
  EXPECT_EQ(demux.captured.out, "cdef");
  EXPECT_EQ(demux.captured.err, "ab");
}

TEST(ExecStreamDemuxer, EmptyFramesProduceNothing) {
  Demux demux;
  demux.feed(frame(1, "") + frame(2, "") + frame(1, ""));
  demux.finish();
  EXPECT_EQ(demux.captured.out, "");
  EXPECT_EQ(demux.captured.err, "");
}

TEST(ExecStreamDemuxer, LargeFrameArrivesWhole) {
  std::string payload(1 << 20, '\0');
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>(i * 131 % 251);
  const std::string stream = frame(1, payload) + frame(2, "tail");
  Demux demux;
  // In reads of 64 KiB plus one byte, so the frame boundary lands mid-read.
  for (std::size_t at = 0; at < stream.size(); at += 65537)
    demux.feed(std::string_view(stream).substr(at, 65537));
  demux.finish();
  EXPECT_EQ(demux.captured.out.size(), payload.size());
  EXPECT_TRUE(demux.captured.out == payload);
  EXPECT_EQ(demux.captured.err, "tail");
}

TEST(ExecStreamDemuxer, UnknownStreamByteIsAProtocolError) {
  Demux demux;
  const auto error = error_from([&] { demux.feed(frame(3, "x")); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason(), "DockerProtocolError");
  EXPECT_EQ(error->exit_code(), 1);
  EXPECT_STREQ(
      error->what(),
      "the Docker engine sent an exec stream frame with an unknown header (stream byte 3)");
  EXPECT_EQ(error->hint(),
            "the exec must run without a TTY; report this with the engine's version");
}

// A TTY exec sends raw text; its first bytes are not a header and must not be read as a length.
TEST(ExecStreamDemuxer, RawTtyOutputIsAProtocolError) {
  Demux demux;
  const auto error = error_from([&] { demux.feed("PostgreSQL 17\n"); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason(), "DockerProtocolError");
  EXPECT_EQ(demux.captured.out, "");
}

TEST(ExecStreamDemuxer, FinishInsideAPayloadIsTruncation) {
  Demux demux;
  demux.feed(frame(1, "0123456789").substr(0, 8 + 4));
  const auto error = error_from([&] { demux.finish(); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason(), "DockerStreamTruncated");
  EXPECT_EQ(error->exit_code(), 1);
  EXPECT_STREQ(error->what(),
               "the exec output ended in the middle of a frame (6 bytes missing): the connection "
               "to the Docker "
               "engine broke");
  EXPECT_EQ(error->hint(), "check the engine's log (journalctl -u docker or /var/log/dockerd.log)");
  EXPECT_EQ(demux.captured.out, "0123");
}

TEST(ExecStreamDemuxer, FinishInsideAHeaderIsTruncation) {
  for (std::size_t cut = 1; cut < 8; ++cut) {
    SCOPED_TRACE("header cut after " + std::to_string(cut) + " bytes");
    Demux demux;
    demux.feed(frame(1, "done") + frame(2, "more").substr(0, cut));
    const auto error = error_from([&] { demux.finish(); });
    ASSERT_TRUE(error.has_value());
    EXPECT_EQ(error->reason(), "DockerStreamTruncated");
    // No payload byte is owed yet, so "0 bytes missing" would tell the user nothing was lost.
    EXPECT_THAT(error->what(), ::testing::Not(::testing::HasSubstr("(0 bytes missing)")));
    EXPECT_EQ(demux.captured.out, "done");
  }
}

TEST(ExecStreamDemuxer, FinishAtAFrameBoundaryIsClean) {
  Demux demux;
  demux.feed(frame(1, "all"));
  EXPECT_FALSE(error_from([&] { demux.finish(); }).has_value());
  EXPECT_EQ(demux.captured.out, "all");
}

}  // namespace
}  // namespace hivekeeper::docker
