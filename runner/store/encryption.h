// spec.encryption.age applied to the store's artifacts: the keys read from where the manifest
// says, a sink that encrypts what a backup writes (the file gets .age appended; both digests go
// into the set's metadata), and decrypting copies for the readers, so a restore, a verify or a
// drill reads a plaintext copy whose every chunk authenticated before anything is touched.
#pragma once

#include <memory>
#include <optional>

#include "archive/artifact_sink.h"
#include "archive/artifact_writer.h"
#include "archive/file_reader.h"
#include "archive/sha256.h"
#include "crypto/age.h"
#include "manifest/offsite.h"
#include "store/backup_store.h"

namespace hivekeeper::store {

// Nullopt when the manifest asks for no encryption. Read from the recipients, the recipients
// file and the passphrase's env or file; throws invalid_input when one cannot be read.
std::optional<crypto::AgeRecipients> age_recipients(const manifest::EncryptionSpec& encryption);
std::optional<crypto::AgeIdentities> age_identities(const manifest::EncryptionSpec& encryption);

// Encrypts into INNER. seal() ends the age stream (before the set's metadata is made, which
// records the encrypted file's digest); commit() seals too if it was not.
class EncryptingSink final : public archive::ArtifactSink {
 public:
  EncryptingSink(const crypto::AgeRecipients& recipients,
                 std::unique_ptr<archive::ArtifactSink> inner);
  ~EncryptingSink() override;

  void write(const void* data, std::size_t size) override;
  void commit() override;
  void uncommit() override { inner_->uncommit(); }
  std::string location() const override { return inner_->location(); }
  // The encrypted file: its location, bytes and sha256.
  archive::WrittenFile seal();

 private:
  std::unique_ptr<archive::ArtifactSink> inner_;
  archive::Sha256 sha256_;
  std::uint64_t bytes_ = 0;
  std::unique_ptr<crypto::AgeEncryptor> encryptor_;
  std::optional<archive::WrittenFile> sealed_;
};

// NAME from STORE into the new private file TO: decrypted with IDENTITIES when NAME ends in
// .age (TO then holds the plaintext). Returns the digest of the bytes as stored; false when the
// store has no NAME. Throws AgeDecryptFailed (a wrong key, a truncated or tampered file) and
// EncryptedBackupNeedsKey (an .age file and no identity) with TO removed.
std::optional<archive::FileDigest> copy_decrypted(
    const BackupStore& store, const std::string& name, const std::filesystem::path& to,
    const std::optional<crypto::AgeIdentities>& identities);

}  // namespace hivekeeper::store
