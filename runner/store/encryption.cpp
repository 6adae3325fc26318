#include "store/encryption.h"

#include "archive/atomic_file.h"
#include "common/error.h"
#include "common/secret.h"

namespace hivekeeper::store {
namespace {

std::optional<std::string> passphrase_of(const manifest::AgeSpec& age) {
  if (!age.passphrase_from) return std::nullopt;
  return read_secret(age.passphrase_from->env, age.passphrase_from->file,
                     "spec.encryption.age.passphraseFrom");
}

}  // namespace

std::optional<crypto::AgeRecipients> age_recipients(const manifest::EncryptionSpec& encryption) {
  if (!encryption.age) return std::nullopt;
  const manifest::AgeSpec& age = *encryption.age;
  std::string text;
  for (const auto& recipient : age.recipients) text += recipient + "\n";
  if (!age.recipients_file.empty())
    text += read_file_text(age.recipients_file, "spec.encryption.age.recipientsFile");
  crypto::AgeRecipients recipients;
  if (!text.empty()) recipients = crypto::parse_recipients(text);
  recipients.passphrase = passphrase_of(age);
  return recipients;
}

std::optional<crypto::AgeIdentities> age_identities(const manifest::EncryptionSpec& encryption) {
  if (!encryption.age) return std::nullopt;
  const manifest::AgeSpec& age = *encryption.age;
  crypto::AgeIdentities identities;
  if (age.identity_from)
    identities = crypto::parse_identities(read_secret(
        age.identity_from->env, age.identity_from->file, "spec.encryption.age.identityFrom",
        /*trim_newline=*/false));
  identities.passphrase = passphrase_of(age);
  return identities;
}

EncryptingSink::EncryptingSink(const crypto::AgeRecipients& recipients,
                               std::unique_ptr<archive::ArtifactSink> inner)
    : inner_(std::move(inner)),
      encryptor_(std::make_unique<crypto::AgeEncryptor>(recipients, [this](std::string_view out) {
        sha256_.update(out);
        bytes_ += out.size();
        inner_->write(out.data(), out.size());
      })) {}

EncryptingSink::~EncryptingSink() = default;

void EncryptingSink::write(const void* data, std::size_t size) {
  encryptor_->write(std::string_view(static_cast<const char*>(data), size));
}

archive::WrittenFile EncryptingSink::seal() {
  if (!sealed_) {
    encryptor_->finish();
    sealed_ = archive::WrittenFile{inner_->location(), bytes_, sha256_.hex_digest()};
  }
  return *sealed_;
}

void EncryptingSink::commit() {
  seal();
  inner_->commit();
}

std::optional<archive::FileDigest> copy_decrypted(
    const BackupStore& store, const std::string& name, const std::filesystem::path& to,
    const std::optional<crypto::AgeIdentities>& identities) {
  archive::AtomicFile file(to, archive::kPrivateModes.file, archive::Existing::refuse);
  archive::Sha256 sha256;
  archive::FileDigest digest;
  const auto write_plain = [&](std::string_view plain) { file.write(plain.data(), plain.size()); };
  std::unique_ptr<crypto::AgeDecryptor> decryptor;
  if (name.ends_with(".age")) {
    if (!identities)
      throw invalid_input("EncryptedBackupNeedsKey",
                          name + " is encrypted with age and the job has no key to open it",
                          "set spec.encryption.age.identityFrom (or passphraseFrom), or pass "
                          "--age-identity FILE");
    decryptor = std::make_unique<crypto::AgeDecryptor>(*identities, write_plain);
  }
  const bool found = store.read(name, [&](std::string_view stored) {
    sha256.update(stored);
    digest.bytes += stored.size();
    if (decryptor)
      decryptor->write(stored);
    else
      write_plain(stored);
  });
  if (!found) return std::nullopt;
  if (decryptor) decryptor->finish();
  digest.sha256 = sha256.hex_digest();
  file.commit();
  return digest;
}

}  // namespace hivekeeper::store
