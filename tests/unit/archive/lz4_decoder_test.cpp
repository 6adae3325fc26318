#include "archive/lz4_decoder.h"

#include <gtest/gtest.h>
#include <lz4frame.h>

#include "common/error.h"
#include "support/test_support.h"

namespace {

using hivekeeper::archive::Lz4FrameDecoder;

std::string lz4_frame(const std::string& plain) {
  std::string frame(LZ4F_compressFrameBound(plain.size(), nullptr), '\0');
  frame.resize(LZ4F_compressFrame(frame.data(), frame.size(), plain.data(), plain.size(), nullptr));
  return frame;
}

std::string sql_like(std::size_t size) {
  std::string text;
  for (int row = 0; text.size() < size; ++row)
    text += std::to_string(row) + "\tglyph\t" + std::to_string(row * 7) + "\n";
  return text;
}

TEST(Lz4FrameDecoder, DecodesAFrameFedInPiecesOfAnySize) {
  const std::string plain = sql_like(3 << 20) + hivekeeper::testing::random_bytes(300000, 7);
  const std::string frame = lz4_frame(plain);
  for (std::size_t piece : {1u, 7u, 4096u, 65536u, 1u << 22}) {
    std::string decoded;
    Lz4FrameDecoder decoder([&](std::string_view bytes) { decoded.append(bytes); });
    for (std::size_t at = 0; at < frame.size(); at += piece)
      decoder.feed(std::string_view(frame).substr(at, piece));
    decoder.finish();
    EXPECT_EQ(decoded.size(), plain.size()) << "pieces of " << piece;
    EXPECT_TRUE(decoded == plain) << "pieces of " << piece;
  }
}

TEST(Lz4FrameDecoder, StreamEndingInsideAFrameIsAnError) {
  const std::string frame = lz4_frame(sql_like(1 << 20));
  Lz4FrameDecoder decoder([](std::string_view) {});
  decoder.feed(std::string_view(frame).substr(0, frame.size() / 2));
  EXPECT_THROW(decoder.finish(), hivekeeper::Error);
}

TEST(Lz4FrameDecoder, GarbageIsDumpStreamCorrupt) {
  Lz4FrameDecoder decoder([](std::string_view) {});
  try {
    decoder.feed("this is not lz4 at all");
    FAIL() << "no error";
  } catch (const hivekeeper::Error& error) {
    EXPECT_EQ(error.reason(), "DumpStreamCorrupt");
  }
}

}  // namespace
