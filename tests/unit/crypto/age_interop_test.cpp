// Interoperability with the reference `age` 1.2.1 tool in the hivekeeper-dev image, both ways,
// and with the keys age-keygen writes. These tests need the binaries: without them they fail.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/process.h"
#include "crypto/age_test_support.h"

namespace hivekeeper::crypto {
namespace {

using hivekeeper::testing::TempDir;
using testing::age_decrypt;
using testing::age_encrypt;
using ::testing::HasSubstr;
using testing::pseudo_random_bytes;

bool on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::stringstream directories(path == nullptr ? "" : path);
  std::string directory;
  while (std::getline(directories, directory, ':'))
    if (::access((std::filesystem::path(directory) / program).c_str(), X_OK) == 0) return true;
  return false;
}

#define REQUIRE_PROGRAM(program)                                                              \
  if (!on_path(program))                                                                      \
  GTEST_FAIL() << "the reference tool `" << (program)                                         \
               << "` is not on PATH; the age interop tests run in the hivekeeper-dev image, " \
                  "which has age 1.2.1, age-keygen and script (util-linux)"

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

CommandResult run(const std::vector<std::string>& argv,
                  const std::optional<std::string>& input = {}) {
  CommandResult result;
  Process process(
      ProcessSpec{argv, {}, input.has_value()},
      [&](std::string_view bytes) { result.out.append(bytes); },
      [&](std::string_view bytes) { result.err.append(bytes); });
  if (input) {
    process.write(*input);
    process.close_input();
  }
  result.exit_code = process.wait();
  return result;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream input(path, std::ios::binary);
  std::stringstream contents;
  contents << input.rdbuf();
  return contents.str();
}

void write_file(const std::filesystem::path& path, std::string_view bytes) {
  std::ofstream(path, std::ios::binary)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// age-keygen's key file and the public key it states in its "# public key:" comment.
std::pair<std::string, std::string> keygen(const TempDir& dir, const std::string& name) {
  const auto path = dir / name;
  const CommandResult made = run({"age-keygen", "-o", path.string()});
  EXPECT_EQ(made.exit_code, 0) << made.err;
  const std::string key_file = read_file(path);
  const auto at = key_file.find("# public key: ");
  EXPECT_NE(at, std::string::npos) << key_file;
  return {key_file, key_file.substr(at + 14, key_file.find('\n', at) - at - 14)};
}

TEST(AgeInterop, AgeKeygenKeysParseAndAgreeOnThePublicKey) {
  REQUIRE_PROGRAM("age-keygen");
  TempDir dir;
  const auto [key_file, public_key] = keygen(dir, "key.txt");
  const AgeIdentities identities = parse_identities(key_file);
  ASSERT_EQ(identities.x25519_secret.size(), 1u);
  EXPECT_EQ(recipient_of(identities.x25519_secret[0]), public_key);
  const CommandResult converted = run({"age-keygen", "-y", (dir / "key.txt").string()});
  EXPECT_EQ(converted.out, public_key + "\n");
  EXPECT_EQ(parse_recipients(public_key).x25519[0], x25519_public_key(identities.x25519_secret[0]));
  // And age-keygen -y accepts a key file we wrote.
  const X25519Key ours = generate_x25519_identity();
  write_file(dir / "ours.txt", "# ours\n" + identity_text_of(ours) + "\n");
  EXPECT_EQ(run({"age-keygen", "-y", (dir / "ours.txt").string()}).out, recipient_of(ours) + "\n");
}

TEST(AgeInterop, FilesWeEncryptDecryptWithAge) {
  REQUIRE_PROGRAM("age");
  REQUIRE_PROGRAM("age-keygen");
  TempDir dir;
  const auto [key_file, public_key] = keygen(dir, "key.txt");
  for (std::size_t size : {std::size_t{0}, std::size_t{65536}, std::size_t{1000003}}) {
    SCOPED_TRACE(size);
    const std::string plain = pseudo_random_bytes(size, static_cast<unsigned>(size));
    // Two recipients: a stranger's first, so age has to skip a stanza.
    const AgeRecipients recipients =
        parse_recipients(recipient_of(generate_x25519_identity()) + "\n" + public_key);
    write_file(dir / "file.age", age_encrypt(recipients, plain));
    const CommandResult decrypted = run({"age", "-d", "-i", (dir / "key.txt").string(), "-o",
                                         (dir / "out").string(), (dir / "file.age").string()});
    ASSERT_EQ(decrypted.exit_code, 0) << decrypted.err;
    EXPECT_EQ(read_file(dir / "out"), plain);
  }
}

TEST(AgeInterop, FilesAgeEncryptsDecryptWithOurs) {
  REQUIRE_PROGRAM("age");
  REQUIRE_PROGRAM("age-keygen");
  TempDir dir;
  const auto [first_key, first_public] = keygen(dir, "first.txt");
  const auto [second_key, second_public] = keygen(dir, "second.txt");
  const std::string plain = pseudo_random_bytes(3 * 65536 + 17, 5);
  write_file(dir / "plain", plain);
  const CommandResult to_one =
      run({"age", "-r", first_public, "-o", (dir / "one.age").string(), (dir / "plain").string()});
  ASSERT_EQ(to_one.exit_code, 0) << to_one.err;
  auto one = age_decrypt(parse_identities(first_key), read_file(dir / "one.age"));
  ASSERT_FALSE(one.error) << one.error->describe();
  EXPECT_EQ(one.plain, plain);

  write_file(dir / "recipients.txt", "# team\n" + first_public + "\n\n" + second_public + "\n");
  const CommandResult to_file = run({"age", "-R", (dir / "recipients.txt").string(), "-o",
                                     (dir / "two.age").string(), (dir / "plain").string()});
  ASSERT_EQ(to_file.exit_code, 0) << to_file.err;
  auto two = age_decrypt(parse_identities(second_key), read_file(dir / "two.age"), 65536);
  ASSERT_FALSE(two.error) << two.error->describe();
  EXPECT_EQ(two.plain, plain);
  // The same recipients file is one our parser reads.
  EXPECT_EQ(parse_recipients(read_file(dir / "recipients.txt")).x25519.size(), 2u);
  auto stranger =
      age_decrypt(AgeIdentities{{generate_x25519_identity()}, {}}, read_file(dir / "two.age"));
  ASSERT_TRUE(stranger.error);
  EXPECT_THAT(stranger.error->what(), HasSubstr("encrypted to 2 X25519 recipient(s)"));
}

// age reads passphrases only from a terminal: `script` gives it a pseudo-terminal whose input is
// what we write to script's standard input.
CommandResult run_on_terminal(const std::string& command, const std::string& typed) {
  return run({"script", "-qec", command, "/dev/null"}, typed);
}

TEST(AgeInterop, PassphraseFilesWorkBothWays) {
  REQUIRE_PROGRAM("age");
  REQUIRE_PROGRAM("script");
  TempDir dir;
  const std::string plain = pseudo_random_bytes(70000, 9);
  write_file(dir / "ours.age",
             age_encrypt(AgeRecipients{{}, "hive pass 1", kAgeDefaultScryptLog2N}, plain));
  const CommandResult decrypted = run_on_terminal(
      "age -d -o " + (dir / "ours.out").string() + " " + (dir / "ours.age").string(),
      "hive pass 1\n");
  ASSERT_EQ(decrypted.exit_code, 0) << decrypted.out << decrypted.err;
  EXPECT_EQ(read_file(dir / "ours.out"), plain);

  write_file(dir / "plain", plain);
  const CommandResult encrypted =
      run_on_terminal("age -p -o " + (dir / "theirs.age").string() + " " + (dir / "plain").string(),
                      "hive pass 2\nhive pass 2\n");
  ASSERT_EQ(encrypted.exit_code, 0) << encrypted.out << encrypted.err;
  const std::string theirs = read_file(dir / "theirs.age");
  EXPECT_THAT(theirs, HasSubstr("\n-> scrypt "));  // age's default work factor, 2^18
  auto ours = age_decrypt(AgeIdentities{{}, "hive pass 2"}, theirs);
  ASSERT_FALSE(ours.error) << ours.error->describe();
  EXPECT_EQ(ours.plain, plain);
  auto wrong = age_decrypt(AgeIdentities{{}, "hive pass 3"}, theirs);
  ASSERT_TRUE(wrong.error);
  EXPECT_THAT(wrong.error->what(), HasSubstr("wrong passphrase"));
}

}  // namespace
}  // namespace hivekeeper::crypto
