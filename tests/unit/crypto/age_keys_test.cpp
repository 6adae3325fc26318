#include "crypto/age_keys.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "crypto/bech32.h"
#include "support/test_support.h"

namespace hivekeeper::crypto {
namespace {

using hivekeeper::testing::error_from;
using ::testing::HasSubstr;
using ::testing::Not;

// The examples in c2sp.org/age.
constexpr const char* kSpecIdentity =
    "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX";
constexpr const char* kSpecRecipient =
    "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj";

TEST(AgeKeys, TheSpecIdentityDecodesToRepeatedBytesAndItsRecipient) {
  const AgeIdentities identities = parse_identities(kSpecIdentity);
  ASSERT_EQ(identities.x25519_secret.size(), 1u);
  for (unsigned char byte : identities.x25519_secret[0]) EXPECT_EQ(byte, 0x42);
  EXPECT_EQ(recipient_of(identities.x25519_secret[0]), kSpecRecipient);
  EXPECT_EQ(identity_text_of(identities.x25519_secret[0]), kSpecIdentity);
}

TEST(AgeKeys, RecipientsFileSkipsCommentsAndBlankLines) {
  const X25519Key second = generate_x25519_identity();
  const std::string text = std::string("# backups\n\n  ") + kSpecRecipient + "  \r\n# more\n" +
                           recipient_of(second) + "\n";
  const AgeRecipients recipients = parse_recipients(text);
  ASSERT_EQ(recipients.x25519.size(), 2u);
  EXPECT_EQ(recipients.x25519[1], x25519_public_key(second));
  EXPECT_FALSE(recipients.passphrase);
  EXPECT_EQ(recipients.scrypt_log2_n, kAgeDefaultScryptLog2N);
}

TEST(AgeKeys, BadRecipientNamesTheLine) {
  std::string broken = kSpecRecipient;
  broken.back() = broken.back() == 'j' ? 'k' : 'j';  // checksum no longer matches
  auto error =
      error_from([&] { parse_recipients(std::string(kSpecRecipient) + "\n#\n" + broken); });
  ASSERT_TRUE(error);
  EXPECT_EQ(error->reason(), "AgeRecipientInvalid");
  EXPECT_EQ(error->kind(), ErrorKind::invalid_input);
  EXPECT_THAT(error->what(), HasSubstr("line 3"));
}

TEST(AgeKeys, UnsupportedRecipientKindsAreExplained) {
  auto mixed = error_from(
      [] { parse_recipients("age1ZVKYG2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj"); });
  ASSERT_TRUE(mixed);
  auto ssh = error_from([] { parse_recipients("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA"); });
  ASSERT_TRUE(ssh);
  EXPECT_THAT(ssh->what(), HasSubstr("SSH"));
  auto empty = error_from([] { parse_recipients("# nothing\n\n"); });
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->reason(), "AgeRecipientInvalid");
  // An identity where a recipient belongs is refused, and not quoted: it is a secret.
  auto secret = error_from([] { parse_recipients(kSpecIdentity); });
  ASSERT_TRUE(secret);
  EXPECT_THAT(secret->describe(), HasSubstr("is a secret key"));
  EXPECT_THAT(secret->describe(), Not(HasSubstr("GFPYYSJZ")));
}

TEST(AgeKeys, BadIdentityNamesTheLineButNeverQuotesIt) {
  std::string broken = kSpecIdentity;
  broken[20] = broken[20] == 'Q' ? 'P' : 'Q';
  auto error = error_from([&] { parse_identities("# created\n" + broken + "\n"); });
  ASSERT_TRUE(error);
  EXPECT_EQ(error->reason(), "AgeIdentityInvalid");
  EXPECT_THAT(error->what(), HasSubstr("line 2"));
  EXPECT_THAT(error->describe(), Not(HasSubstr(broken.substr(15, 20))));
  EXPECT_TRUE(error_from([] { parse_identities(kSpecRecipient); }));
  EXPECT_TRUE(error_from([] { parse_identities("# only a comment\n"); }));
}

TEST(AgeKeys, LowerCaseIdentityIsAcceptedAsBech32AllowsIt) {
  std::string lower = kSpecIdentity;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_EQ(parse_identities(lower).x25519_secret.size(), 1u);
}

TEST(Bech32, RoundTripsAndRejectsBadChecksumsAndMixedCase) {
  const std::vector<unsigned char> data = {0, 1, 2, 250, 251, 255};
  const std::string text = bech32_encode("test", data);
  auto decoded = bech32_decode(text);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->hrp, "test");
  EXPECT_EQ(decoded->data, data);
  std::string damaged = text;
  damaged[6] = damaged[6] == 'q' ? 'p' : 'q';
  EXPECT_FALSE(bech32_decode(damaged));
  std::string mixed = text;
  mixed[0] = 'T';
  EXPECT_FALSE(bech32_decode(mixed));
  // BIP 173's own valid example (an empty data part).
  EXPECT_TRUE(bech32_decode("A12UEL5L"));
  // The same string with a Bech32m checksum is not Bech32.
  EXPECT_FALSE(bech32_decode("a1lqfn3a"));
}

TEST(AgeKeys, WrappedFileKeyUnwrapsOnlyWithItsIdentity) {
  const X25519Key secret = generate_x25519_identity();
  const std::string file_key(16, '\x07');
  const AgeStanza stanza = wrap_file_key_x25519(file_key, x25519_public_key(secret));
  EXPECT_EQ(stanza.arguments[0], "X25519");
  EXPECT_EQ(stanza.body.size(), 32u);
  EXPECT_EQ(unwrap_file_key({stanza}, AgeIdentities{{secret}, {}}), file_key);
  auto error = error_from(
      [&] { unwrap_file_key({stanza}, AgeIdentities{{generate_x25519_identity()}, {}}); });
  ASSERT_TRUE(error);
  EXPECT_THAT(error->what(),
              HasSubstr("no identity matches: this file is encrypted to 1 X25519 recipient(s)"));
}

TEST(AgeKeys, ScryptWorkFactorAboveTheLimitIsRefusedBeforeDerivation) {
  const AgeStanza stanza = wrap_file_key_scrypt(std::string(16, 'k'), "secret", 10);
  AgeStanza greedy = stanza;
  greedy.arguments[2] = std::to_string(kAgeMaxScryptLog2N + 1);
  auto error = error_from([&] { unwrap_file_key({greedy}, AgeIdentities{{}, "secret"}); });
  ASSERT_TRUE(error);
  EXPECT_THAT(error->what(), HasSubstr("above the limit"));
  EXPECT_EQ(unwrap_file_key({stanza}, AgeIdentities{{}, "secret"}), std::string(16, 'k'));
  auto wrong = error_from([&] { unwrap_file_key({stanza}, AgeIdentities{{}, "Secret"}); });
  ASSERT_TRUE(wrong);
  EXPECT_THAT(wrong->what(), HasSubstr("wrong passphrase"));
}

}  // namespace
}  // namespace hivekeeper::crypto
