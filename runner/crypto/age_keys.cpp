#include "crypto/age_keys.h"

#include <openssl/crypto.h>

#include "common/error.h"
#include "crypto/bech32.h"

namespace hivekeeper::crypto {
namespace {

constexpr std::string_view kX25519StanzaInfo = "age-encryption.org/v1/X25519";
constexpr std::string_view kScryptSaltLabel = "age-encryption.org/v1/scrypt";
constexpr std::size_t kScryptSaltSize = 16;
constexpr std::size_t kWrappedFileKeySize = kAgeFileKeySize + kAeadTagSize;
const AeadNonce kZeroWrapNonce{};

std::string_view x25519_key_bytes(const X25519Key& key) {
  return {reinterpret_cast<const char*>(key.data()), key.size()};
}

std::string_view key_line_trimmed(std::string_view line) {
  const auto first = line.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = line.find_last_not_of(" \t\r");
  return line.substr(first, last - first + 1);
}

// Calls `each(line_number, line)` for every line that is not blank or a '#' comment.
template <typename Each>
void for_each_key_line(std::string_view text, Each&& each) {
  std::size_t number = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    ++number;
    std::string_view line = key_line_trimmed(text.substr(start, end - start));
    if (!line.empty() && line[0] != '#') each(number, line);
    start = end + 1;
  }
}

std::optional<X25519Key> key_from_bech32(std::string_view text, std::string_view hrp) {
  auto decoded = bech32_decode(text);
  if (!decoded || decoded->hrp != hrp || decoded->data.size() != 32) return std::nullopt;
  X25519Key key{};
  std::copy(decoded->data.begin(), decoded->data.end(), key.begin());
  return key;
}

// Only public-looking lines are quoted: a secret key pasted where a recipient belongs must not
// reach the logs.
std::string recipient_problem(std::string_view line) {
  const std::string quoted = "(\"" + std::string(line.substr(0, 80)) + "\") ";
  if (line.substr(0, 7) == "age1pq1")
    return quoted + "is a post-quantum recipient, which is not supported";
  if (line.substr(0, 4) == "age1")
    return quoted + "is not a valid age X25519 recipient (bad Bech32 checksum, length or a plugin)";
  if (line.substr(0, 4) == "ssh-" || line.substr(0, 5) == "ecdsa")
    return quoted + "is an SSH public key, which is not supported";
  if (line.substr(0, 15) == "AGE-SECRET-KEY-")
    return "is a secret key, not a recipient: give its public key (age-keygen -y)";
  return "does not start with age1";
}

[[noreturn]] void throw_decrypt_failed(const std::string& message, const std::string& hint = {}) {
  throw job_failed("AgeDecryptFailed", message, hint);
}

[[noreturn]] void throw_bad_stanza(const std::string& detail) {
  throw_decrypt_failed("the age header is malformed: " + detail,
                       "the file is not a complete age v1 file or it was damaged");
}

// Validates an X25519 stanza as the spec requires; returns the ephemeral share.
X25519Key checked_x25519_share(const AgeStanza& stanza) {
  if (stanza.arguments.size() != 2) throw_bad_stanza("an X25519 stanza needs exactly one share");
  auto share = base64_decode_strict(stanza.arguments[1]);
  if (!share || share->size() != 32)
    throw_bad_stanza("an X25519 stanza's share is not canonical base64 of 32 bytes");
  if (stanza.body.size() != kWrappedFileKeySize)
    throw_bad_stanza("an X25519 stanza's body is not 32 bytes");
  X25519Key key{};
  std::copy(share->begin(), share->end(), key.begin());
  return key;
}

struct ScryptParameters {
  std::string salt;
  int log2_n = 0;
};

ScryptParameters checked_scrypt_parameters(const AgeStanza& stanza) {
  if (stanza.arguments.size() != 3)
    throw_bad_stanza("an scrypt stanza needs exactly a salt and a work factor");
  auto salt = base64_decode_strict(stanza.arguments[1]);
  if (!salt || salt->size() != kScryptSaltSize)
    throw_bad_stanza("an scrypt stanza's salt is not canonical base64 of 16 bytes");
  const std::string& factor = stanza.arguments[2];
  bool decimal = !factor.empty() && factor.size() <= 2 && factor[0] >= '1' && factor[0] <= '9';
  for (char c : factor) decimal = decimal && c >= '0' && c <= '9';
  if (!decimal) throw_bad_stanza("an scrypt stanza's work factor is not a decimal number");
  const int log2_n = std::stoi(factor);
  if (log2_n > kAgeMaxScryptLog2N)
    throw_decrypt_failed("the passphrase work factor 2^" + factor + " is above the limit 2^" +
                             std::to_string(kAgeMaxScryptLog2N) +
                             " (1 GiB of memory) this runner accepts",
                         "re-encrypt the file with a lower work factor or to an X25519 recipient");
  if (stanza.body.size() != kWrappedFileKeySize)
    throw_bad_stanza("an scrypt stanza's body is not 32 bytes");
  return {std::move(*salt), log2_n};
}

std::optional<std::string> open_wrapped_key(const SymmetricKey& wrap_key, std::string_view body) {
  ChaChaPoly aead(wrap_key);
  std::string file_key;
  if (!aead.open(kZeroWrapNonce, body, file_key)) return std::nullopt;
  return file_key;
}

std::string unwrap_scrypt(const AgeStanza& stanza, const AgeIdentities& identities) {
  const ScryptParameters parameters = checked_scrypt_parameters(stanza);
  if (!identities.passphrase)
    throw_decrypt_failed("this file is encrypted with a passphrase, and none was given",
                         "give the passphrase (passphraseFrom)");
  const SymmetricKey key = scrypt_key(
      *identities.passphrase, std::string(kScryptSaltLabel) + parameters.salt, parameters.log2_n);
  auto file_key = open_wrapped_key(key, stanza.body);
  if (!file_key)
    throw_decrypt_failed("wrong passphrase: it does not open this file",
                         "check the passphrase the backup was encrypted with (passphraseFrom)");
  return *file_key;
}

std::optional<std::string> unwrap_x25519(const AgeStanza& stanza, const X25519Key& secret,
                                         const X25519Key& share) {
  auto shared = x25519_shared_secret(secret, share);
  if (!shared) throw_bad_stanza("an X25519 stanza's share is a low-order point");
  const X25519Key own_public = x25519_public_key(secret);
  const SymmetricKey key =
      hkdf_sha256(x25519_key_bytes(*shared),
                  std::string(x25519_key_bytes(share)) + std::string(x25519_key_bytes(own_public)),
                  kX25519StanzaInfo);
  return open_wrapped_key(key, stanza.body);
}

}  // namespace

AgeRecipients parse_recipients(std::string_view text) {
  AgeRecipients recipients;
  for_each_key_line(text, [&](std::size_t number, std::string_view line) {
    auto key = key_from_bech32(line, "age");
    if (!key)
      throw invalid_input(
          "AgeRecipientInvalid",
          "the age recipient on line " + std::to_string(number) + " " + recipient_problem(line),
          "give age1... public keys, one per line, as age-keygen prints them");
    recipients.x25519.push_back(*key);
  });
  if (recipients.x25519.empty())
    throw invalid_input("AgeRecipientInvalid", "no age recipient (age1...) was given",
                        "give at least one age1... public key, as age-keygen prints it");
  return recipients;
}

AgeIdentities parse_identities(std::string_view text) {
  AgeIdentities identities;
  for_each_key_line(text, [&](std::size_t number, std::string_view line) {
    auto key = key_from_bech32(line, "age-secret-key-");
    if (!key) {
      const bool plugin = line.substr(0, 11) == "AGE-PLUGIN-";
      throw invalid_input(
          "AgeIdentityInvalid",
          "line " + std::to_string(number) + " of the age identity is " +
              (plugin ? "a plugin identity, which is not supported"
                      : "not an X25519 identity (AGE-SECRET-KEY-1...)"),
          "give the file age-keygen wrote: AGE-SECRET-KEY-1... lines and '#' comments");
    }
    identities.x25519_secret.push_back(*key);
  });
  if (identities.x25519_secret.empty())
    throw invalid_input("AgeIdentityInvalid", "the age identity holds no AGE-SECRET-KEY-1... line",
                        "give the file age-keygen wrote");
  return identities;
}

std::string recipient_of(const X25519Key& secret) {
  const X25519Key public_key = x25519_public_key(secret);
  return bech32_encode("age", {public_key.begin(), public_key.end()});
}

std::string identity_text_of(const X25519Key& secret) {
  std::string text = bech32_encode("age-secret-key-", {secret.begin(), secret.end()});
  for (char& c : text)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return text;
}

X25519Key generate_x25519_identity() {
  const std::string bytes = random_bytes(32);
  X25519Key secret{};
  std::copy(bytes.begin(), bytes.end(), secret.begin());
  return secret;
}

AgeStanza wrap_file_key_x25519(std::string_view file_key, const X25519Key& recipient) {
  const X25519Key ephemeral = generate_x25519_identity();
  const X25519Key share = x25519_public_key(ephemeral);
  auto shared = x25519_shared_secret(ephemeral, recipient);
  if (!shared)
    throw invalid_input("AgeRecipientInvalid",
                        "the age recipient " +
                            bech32_encode("age", {recipient.begin(), recipient.end()}) +
                            " is not a usable X25519 public key (a low-order point)",
                        "give a recipient age-keygen made");
  const SymmetricKey key =
      hkdf_sha256(x25519_key_bytes(*shared),
                  std::string(x25519_key_bytes(share)) + std::string(x25519_key_bytes(recipient)),
                  kX25519StanzaInfo);
  AgeStanza stanza{{"X25519", base64_encode_unpadded(x25519_key_bytes(share))}, {}};
  ChaChaPoly(key).seal(kZeroWrapNonce, file_key, stanza.body);
  return stanza;
}

AgeStanza wrap_file_key_scrypt(std::string_view file_key, std::string_view passphrase, int log2_n) {
  const std::string salt = random_bytes(kScryptSaltSize);
  const SymmetricKey key = scrypt_key(passphrase, std::string(kScryptSaltLabel) + salt, log2_n);
  AgeStanza stanza{{"scrypt", base64_encode_unpadded(salt), std::to_string(log2_n)}, {}};
  ChaChaPoly(key).seal(kZeroWrapNonce, file_key, stanza.body);
  return stanza;
}

std::string unwrap_file_key(const std::vector<AgeStanza>& stanzas,
                            const AgeIdentities& identities) {
  std::vector<std::pair<const AgeStanza*, X25519Key>> x25519;
  const AgeStanza* scrypt = nullptr;
  for (const AgeStanza& stanza : stanzas) {
    if (stanza.arguments[0] == "X25519") x25519.emplace_back(&stanza, checked_x25519_share(stanza));
    if (stanza.arguments[0] == "scrypt") {
      if (stanzas.size() != 1)
        throw_bad_stanza("an scrypt (passphrase) stanza must be the only stanza in the header");
      scrypt = &stanza;
    }
  }
  if (scrypt != nullptr) return unwrap_scrypt(*scrypt, identities);
  for (const auto& [stanza, share] : x25519)
    for (const X25519Key& secret : identities.x25519_secret)
      if (auto file_key = unwrap_x25519(*stanza, secret, share)) return *file_key;
  if (x25519.empty())
    throw_decrypt_failed(
        "no identity matches: this file has no X25519 or passphrase recipient (its " +
            std::to_string(stanzas.size()) + " stanza(s) are of types this runner does not read)",
        "decrypt it with the age tool or plugin that wrote it");
  throw_decrypt_failed("no identity matches: this file is encrypted to " +
                           std::to_string(x25519.size()) +
                           " X25519 recipient(s); give the identity file of one of them "
                           "(identityFrom)",
                       "the identity is the AGE-SECRET-KEY-1... file from age-keygen whose public "
                       "key is in spec.encryption.age.recipients");
}

}  // namespace hivekeeper::crypto
