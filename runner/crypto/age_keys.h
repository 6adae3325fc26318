// age keys and the two native recipient types we implement (c2sp.org/age): X25519 ("age1..."
// recipients, "AGE-SECRET-KEY-1..." identities) and scrypt (a passphrase). Wrapping puts the
// 16-byte file key into a stanza for each recipient; unwrapping finds the stanza one of our
// identities opens and explains, in the user's terms, why none did.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/age_header.h"
#include "crypto/openssl_primitives.h"

namespace hivekeeper::crypto {

// Files we write: 2^15 x 1 KiB = 32 MiB of scrypt memory, inside the runner's 64 MiB RSS goal
// (age itself writes 2^18 = 256 MiB). Files we read: up to 2^20 = 1 GiB, enough for what
// `age -p` writes; larger factors are refused before any memory is taken.
inline constexpr int kAgeDefaultScryptLog2N = 15;
inline constexpr int kAgeMaxScryptLog2N = 20;
inline constexpr std::size_t kAgeFileKeySize = 16;

struct AgeRecipients {
  std::vector<X25519Key> x25519;  // public keys
  std::optional<std::string> passphrase;
  int scrypt_log2_n = kAgeDefaultScryptLog2N;
};

struct AgeIdentities {
  std::vector<X25519Key> x25519_secret;
  std::optional<std::string> passphrase;
};

// "age1..." strings or the text of a recipients file (one per line, '#' comments, blank lines);
// throws invalid_input AgeRecipientInvalid naming the line.
AgeRecipients parse_recipients(std::string_view text);
// The text of an identity file (AGE-SECRET-KEY-1... lines, '#' comments, blank lines); throws
// invalid_input AgeIdentityInvalid naming the line (never quoting it: it is a secret).
AgeIdentities parse_identities(std::string_view text);

std::string recipient_of(const X25519Key& secret);      // "age1..."
std::string identity_text_of(const X25519Key& secret);  // "AGE-SECRET-KEY-1..."
X25519Key generate_x25519_identity();

AgeStanza wrap_file_key_x25519(std::string_view file_key, const X25519Key& recipient);
AgeStanza wrap_file_key_scrypt(std::string_view file_key, std::string_view passphrase, int log2_n);

// The file key from the stanza one of `identities` opens; throws job_failed AgeDecryptFailed
// (malformed stanza, no identity matches, wrong passphrase).
std::string unwrap_file_key(const std::vector<AgeStanza>& stanzas, const AgeIdentities& identities);

}  // namespace hivekeeper::crypto
