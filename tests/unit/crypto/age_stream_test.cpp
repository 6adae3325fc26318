#include "crypto/age_stream.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "crypto/age_test_support.h"

namespace hivekeeper::crypto {
namespace {

using testing::age_decrypt;
using testing::age_encrypt;
using ::testing::HasSubstr;
using testing::pseudo_random_bytes;
using ::testing::StartsWith;

constexpr std::size_t kSealed = kAgeChunkSize + 16;

struct X25519Party {
  X25519Key secret = generate_x25519_identity();
  AgeRecipients recipients() const { return AgeRecipients{{x25519_public_key(secret)}, {}}; }
  AgeIdentities identities() const { return AgeIdentities{{secret}, {}}; }
};

std::size_t payload_offset(std::string_view cipher) {
  return *find_age_header_end(cipher) + kAgePayloadNonceSize;
}

// Every byte the sink received must be a verified chunk: a prefix of the plaintext, ending on a
// chunk boundary (or the whole plaintext).
void expect_only_verified_chunks(const testing::AgeDecryption& result, std::string_view plain,
                                 std::size_t expected_bytes) {
  EXPECT_EQ(result.plain.size(), expected_bytes);
  EXPECT_EQ(result.plain, plain.substr(0, result.plain.size()));
  EXPECT_EQ(result.plaintext_bytes, result.plain.size());
}

class AgeRoundTrip : public ::testing::TestWithParam<std::size_t> {};

TEST_P(AgeRoundTrip, X25519OneRecipient) {
  const std::string plain = pseudo_random_bytes(GetParam());
  X25519Party party;
  const std::string cipher = age_encrypt(party.recipients(), plain);
  EXPECT_TRUE(starts_like_age(cipher));
  const std::size_t chunks = plain.empty() ? 1 : (plain.size() + kAgeChunkSize - 1) / kAgeChunkSize;
  EXPECT_EQ(cipher.size() - payload_offset(cipher), plain.size() + 16 * chunks);
  const auto result = age_decrypt(party.identities(), cipher);
  ASSERT_FALSE(result.error) << result.error->describe();
  EXPECT_EQ(result.plain, plain);
  EXPECT_EQ(result.plaintext_bytes, plain.size());
}

TEST_P(AgeRoundTrip, X25519ThreeRecipientsEachDecrypts) {
  const std::string plain = pseudo_random_bytes(GetParam(), 7);
  X25519Party a, b, c;
  AgeRecipients recipients{
      {x25519_public_key(a.secret), x25519_public_key(b.secret), x25519_public_key(c.secret)}, {}};
  const std::string cipher = age_encrypt(recipients, plain, 65536);
  for (const X25519Party* party : {&a, &b, &c}) {
    const auto result = age_decrypt(party->identities(), cipher, 1 << 20);
    ASSERT_FALSE(result.error) << result.error->describe();
    EXPECT_EQ(result.plain, plain);
  }
  // An identity file holding a stranger's key first and then one of ours works too.
  const auto result =
      age_decrypt(AgeIdentities{{generate_x25519_identity(), c.secret}, {}}, cipher);
  EXPECT_EQ(result.plain, plain);
}

TEST_P(AgeRoundTrip, Passphrase) {
  const std::string plain = pseudo_random_bytes(GetParam(), 3);
  AgeRecipients recipients{{}, "correct horse battery staple", 10};
  const std::string cipher = age_encrypt(recipients, plain, 1000);
  EXPECT_THAT(cipher, HasSubstr("\n-> scrypt "));
  const auto result = age_decrypt(AgeIdentities{{}, "correct horse battery staple"}, cipher, 65553);
  ASSERT_FALSE(result.error) << result.error->describe();
  EXPECT_EQ(result.plain, plain);
}

INSTANTIATE_TEST_SUITE_P(AgeSizes, AgeRoundTrip,
                         ::testing::Values(0, 1, 65535, 65536, 65537, 3 * 65536,
                                           5 * 1024 * 1024 + 333));

TEST(AgeStream, DefaultPassphraseWorkFactorIsWrittenAndRead) {
  const std::string cipher = age_encrypt(AgeRecipients{{}, "pw", kAgeDefaultScryptLog2N}, "data");
  EXPECT_THAT(cipher, HasSubstr(" " + std::to_string(kAgeDefaultScryptLog2N) + "\n"));
  EXPECT_EQ(age_decrypt(AgeIdentities{{}, "pw"}, cipher).plain, "data");
}

TEST(AgeStream, ByteAtATimeDecryption) {
  const std::string plain = pseudo_random_bytes(70000);
  X25519Party party;
  const std::string cipher = age_encrypt(party.recipients(), plain, 1);
  const auto result = age_decrypt(party.identities(), cipher, 1);
  ASSERT_FALSE(result.error) << result.error->describe();
  EXPECT_EQ(result.plain, plain);
  EXPECT_EQ(result.sink_calls, 2u);
}

TEST(AgeStream, RecipientsMustBeUsable) {
  auto none = hivekeeper::testing::error_from([] { age_encrypt(AgeRecipients{}, "x"); });
  ASSERT_TRUE(none);
  EXPECT_EQ(none->reason(), "AgeRecipientInvalid");
  X25519Party party;
  AgeRecipients both = party.recipients();
  both.passphrase = "pw";
  auto mixed = hivekeeper::testing::error_from([&] { age_encrypt(both, "x"); });
  ASSERT_TRUE(mixed);
  EXPECT_THAT(mixed->what(), HasSubstr("cannot be combined"));
}

class AgeDamage : public ::testing::Test {
 protected:
  const std::string plain = pseudo_random_bytes(3 * kAgeChunkSize + 1000);  // 4 chunks
  X25519Party party;
  const std::string cipher = age_encrypt(party.recipients(), plain);
  const std::size_t payload = payload_offset(cipher);

  testing::AgeDecryption decrypt(const std::string& damaged) {
    auto result = age_decrypt(party.identities(), damaged);
    EXPECT_TRUE(result.error);
    if (result.error) {
      EXPECT_EQ(result.error->reason(), "AgeDecryptFailed");
    }
    return result;
  }
  std::string flipped(std::size_t at) const {
    std::string copy = cipher;
    copy[at] = static_cast<char>(copy[at] ^ 0x20);
    return copy;
  }
};

TEST_F(AgeDamage, FlippedHeaderByteReleasesNothing) {
  // In the stanza body, in the MAC, in the nonce.
  const std::size_t mac_start = cipher.find("\n--- ") + 5;
  // A letter whose case flip keeps the MAC canonical base64 (never the last character).
  const std::size_t mac_line = cipher.find_first_of("abcdefghijklmnopqrstuvwxyz", mac_start) - 3;
  ASSERT_LT(mac_line + 3, mac_start + 42);
  for (std::size_t at : {cipher.find("\n-> X25519 ") + 12, mac_line + 3, payload - 5}) {
    const auto result = decrypt(flipped(at));
    EXPECT_TRUE(result.plain.empty()) << at;
    if (at == payload - 5) {
      EXPECT_THAT(result.error->what(), HasSubstr("chunk 0 failed"));
    }
  }
  EXPECT_THAT(decrypt(flipped(mac_line + 3)).error->what(), StartsWith("header MAC mismatch"));
}

TEST_F(AgeDamage, FlippedMiddleChunkReleasesOnlyTheChunksBefore) {
  const auto result = decrypt(flipped(payload + kSealed + 100));
  EXPECT_THAT(result.error->what(),
              HasSubstr("chunk 1 failed authentication: the file is damaged or was tampered with"));
  expect_only_verified_chunks(result, plain, kAgeChunkSize);
}

TEST_F(AgeDamage, FlippedLastChunkReleasesOnlyTheChunksBefore) {
  const auto result = decrypt(flipped(cipher.size() - 3));
  EXPECT_THAT(result.error->what(), HasSubstr("chunk 3 failed authentication"));
  expect_only_verified_chunks(result, plain, 3 * kAgeChunkSize);
}

TEST_F(AgeDamage, CutAtAChunkBoundaryIsTruncation) {
  const auto result = decrypt(cipher.substr(0, payload + 2 * kSealed));
  EXPECT_THAT(result.error->what(),
              HasSubstr("the file is truncated after 65536 bytes of plaintext (its last chunk is "
                        "missing)"));
  expect_only_verified_chunks(result, plain, kAgeChunkSize);
}

TEST_F(AgeDamage, CutExactlyTheLastChunkIsTruncation) {
  const auto result = decrypt(cipher.substr(0, payload + 3 * kSealed));
  EXPECT_THAT(result.error->what(), HasSubstr("truncated after 131072 bytes"));
  expect_only_verified_chunks(result, plain, 2 * kAgeChunkSize);
}

TEST_F(AgeDamage, CutInsideAChunkFailsThatChunk) {
  const auto result = decrypt(cipher.substr(0, payload + 2 * kSealed + 5000));
  EXPECT_THAT(result.error->what(), HasSubstr("chunk 2 failed authentication"));
  expect_only_verified_chunks(result, plain, 2 * kAgeChunkSize);
  const auto in_tag = decrypt(cipher.substr(0, payload + kSealed - 3));
  expect_only_verified_chunks(in_tag, plain, 0);
}

TEST_F(AgeDamage, CutAfterTheHeaderOrInsideIt) {
  EXPECT_THAT(decrypt(cipher.substr(0, payload)).error->what(),
              HasSubstr("truncated after 0 bytes"));
  EXPECT_THAT(decrypt(cipher.substr(0, payload - 4)).error->what(), HasSubstr("nonce"));
  EXPECT_THAT(decrypt(cipher.substr(0, 40)).error->what(), HasSubstr("header is malformed"));
  EXPECT_THAT(decrypt("").error->what(), HasSubstr("header is malformed"));
}

TEST_F(AgeDamage, TrailingBytesAfterTheLastChunkAreRefused) {
  // After a short last chunk the extra bytes make it fail as a (non-last) full chunk.
  EXPECT_THAT(decrypt(cipher + std::string(kSealed, 'x')).error->what(),
              HasSubstr("chunk 3 failed authentication"));
  expect_only_verified_chunks(decrypt(cipher + "x"), plain, 3 * kAgeChunkSize);
  // After a full last chunk they are recognised as following the last chunk.
  const std::string full = pseudo_random_bytes(2 * kAgeChunkSize);
  const std::string full_cipher = age_encrypt(party.recipients(), full);
  const auto result = decrypt(full_cipher + "x");
  EXPECT_THAT(result.error->what(),
              HasSubstr("chunk 1 is marked as the last, but more data follows"));
  expect_only_verified_chunks(result, full, kAgeChunkSize);
}

TEST_F(AgeDamage, WrongIdentityNamesTheRecipientCount) {
  auto result = age_decrypt(AgeIdentities{{generate_x25519_identity()}, {}}, cipher);
  ASSERT_TRUE(result.error);
  EXPECT_EQ(std::string(result.error->what()),
            "no identity matches: this file is encrypted to 1 X25519 recipient(s); give the "
            "identity file of one of them (identityFrom)");
  EXPECT_TRUE(result.plain.empty());
  auto passphrase_only = age_decrypt(AgeIdentities{{}, "pw"}, cipher);
  ASSERT_TRUE(passphrase_only.error);
  EXPECT_THAT(passphrase_only.error->what(), StartsWith("no identity matches"));
}

TEST(AgeStream, WrongPassphraseReleasesNothing) {
  const std::string cipher = age_encrypt(AgeRecipients{{}, "right", 10}, "secret data");
  auto result = age_decrypt(AgeIdentities{{}, "wrong"}, cipher);
  ASSERT_TRUE(result.error);
  EXPECT_EQ(result.error->reason(), "AgeDecryptFailed");
  EXPECT_THAT(result.error->what(), StartsWith("wrong passphrase"));
  EXPECT_TRUE(result.plain.empty());
  auto no_passphrase = age_decrypt(AgeIdentities{{generate_x25519_identity()}, {}}, cipher);
  ASSERT_TRUE(no_passphrase.error);
  EXPECT_THAT(no_passphrase.error->what(), HasSubstr("encrypted with a passphrase"));
}

TEST(AgeStream, StartsLikeAge) {
  EXPECT_TRUE(starts_like_age("age-encryption.org/v1\n-> X25519"));
  EXPECT_FALSE(starts_like_age("age-encryption.org/v1"));
  EXPECT_FALSE(starts_like_age("\x1f\x8b"));
  EXPECT_FALSE(starts_like_age(""));
}

}  // namespace
}  // namespace hivekeeper::crypto
