#include "crypto/age_header.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/test_support.h"

namespace hivekeeper::crypto {
namespace {

using hivekeeper::testing::error_from;
using ::testing::HasSubstr;

TEST(AgeBase64, EncodesWithoutPaddingAndDecodesOnlyCanonicalText) {
  EXPECT_EQ(base64_encode_unpadded(""), "");
  EXPECT_EQ(base64_encode_unpadded("A"), "QQ");
  EXPECT_EQ(base64_encode_unpadded("AA"), "QUE");
  EXPECT_EQ(base64_encode_unpadded("AAA"), "QUFB");
  EXPECT_EQ(base64_decode_strict("QUE"), std::optional<std::string>("AA"));
  EXPECT_EQ(base64_decode_strict(""), std::optional<std::string>(""));
  EXPECT_FALSE(base64_decode_strict("QUF"));   // unused bits set: not canonical
  EXPECT_FALSE(base64_decode_strict("QR"));    // same, one byte
  EXPECT_FALSE(base64_decode_strict("QQ=="));  // padding
  EXPECT_FALSE(base64_decode_strict("Q"));     // impossible length
  EXPECT_FALSE(base64_decode_strict("QU-E"));  // URL alphabet
  EXPECT_FALSE(base64_decode_strict("QU E"));
}

TEST(AgeHeader, EncodedHeaderParsesBackWithBodiesWrappedAt64Columns) {
  // 48 bytes = exactly 64 characters: a full line and then an empty final line.
  std::vector<AgeStanza> stanzas = {{{"X25519", "abc"}, std::string(48, 'x')},
                                    {{"other.example/type", "1", "2"}, std::string(5, 'y')},
                                    {{"empty"}, ""}};
  std::string text = encode_age_header_for_mac(stanzas);
  EXPECT_THAT(text, HasSubstr("\n" + base64_encode_unpadded(std::string(48, 'x')) + "\n\n"));
  const std::size_t mac_input = text.size();
  text += " " + base64_encode_unpadded(std::string(32, 'm')) + "\n";
  EXPECT_EQ(find_age_header_end(text + "payload\n---"), std::optional<std::size_t>(text.size()));
  const AgeHeader header = parse_age_header(text);
  ASSERT_EQ(header.stanzas.size(), 3u);
  EXPECT_EQ(header.stanzas[0].arguments, (std::vector<std::string>{"X25519", "abc"}));
  EXPECT_EQ(header.stanzas[0].body, std::string(48, 'x'));
  EXPECT_EQ(header.stanzas[1].body, std::string(5, 'y'));
  EXPECT_EQ(header.stanzas[2].body, "");
  EXPECT_EQ(header.mac, std::string(32, 'm'));
  EXPECT_EQ(header.mac_input_size, mac_input);
}

TEST(AgeHeader, ForeignBytesAreRefusedAtOnce) {
  EXPECT_FALSE(find_age_header_end("age-encr"));
  auto gzip = error_from([] { find_age_header_end("\x1f\x8b\x08\x00"); });
  ASSERT_TRUE(gzip);
  EXPECT_EQ(gzip->reason(), "AgeDecryptFailed");
  EXPECT_THAT(gzip->what(), HasSubstr("does not start with"));
  auto v2 = error_from([] { find_age_header_end("age-encryption.org/v2\n"); });
  ASSERT_TRUE(v2);
  EXPECT_THAT(v2->what(), HasSubstr("version other than v1"));
}

TEST(AgeHeader, StructuralErrorsAreHeaderErrors) {
  const std::string mac = "--- " + base64_encode_unpadded(std::string(32, 'm')) + "\n";
  const std::string v1 = "age-encryption.org/v1\n";
  for (const std::string& bad : {v1 + mac,  // no stanza
                                 v1 + "-> X25519\n" + std::string(65, 'A') + "\n\n" + mac,
                                 v1 + "-> a  b\n\n" + mac,  // empty argument
                                 v1 + "->\n\n" + mac, v1 + "-> a\r\n\n" + mac,
                                 v1 + "-> a\n" + mac,            // no body line
                                 v1 + "-> a\nQUE\nQUE\n" + mac,  // two short lines
                                 v1 + "-> a\n\n---" + mac.substr(4)}) {
    auto error = error_from([&] { parse_age_header(bad); });
    ASSERT_TRUE(error) << bad;
    EXPECT_THAT(error->what(), HasSubstr("the age header is malformed")) << bad;
  }
}

}  // namespace
}  // namespace hivekeeper::crypto
