#include "archive/path_prints.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace hivekeeper::archive {
namespace {

constexpr std::uint32_t kKindBits = 7U;
// The table grows by half when it would be fuller than this: linear probing stays short, and a
// growth holds the old and the new table at once for 2.5 times the old one's size at most.
constexpr std::size_t kMaxLoadPercent = 80;
constexpr std::size_t kFirstSlots = 1024;

__extension__ typedef unsigned __int128 Wide;  // GCC's and Clang's: the high half of a product

std::uint64_t read_u64(const unsigned char* bytes) {
  std::uint64_t value = 0;
  for (int i = 7; i >= 0; --i) value = (value << 8) | bytes[i];
  return value;
}

}  // namespace

bool is_folder(PathKind kind) {
  return kind == PathKind::folder || kind == PathKind::implied_folder;
}

DigestKey random_digest_key() {
  DigestKey key{};
  if (RAND_bytes(key.data(), static_cast<int>(key.size())) != 1)
    throw std::runtime_error("OpenSSL could not draw a random key");
  return key;
}

KeyedHasher::KeyedHasher(const DigestKey& key) : keyed_(EVP_MD_CTX_new()), work_(EVP_MD_CTX_new()) {
  if (keyed_ == nullptr || work_ == nullptr ||
      EVP_DigestInit_ex(keyed_, EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(keyed_, key.data(), key.size()) != 1) {
    EVP_MD_CTX_free(keyed_);
    EVP_MD_CTX_free(work_);
    throw std::runtime_error("OpenSSL could not start a SHA-256 digest");
  }
}

KeyedHasher::~KeyedHasher() {
  EVP_MD_CTX_free(keyed_);
  EVP_MD_CTX_free(work_);
}

std::array<unsigned char, 32> KeyedHasher::digest(const std::vector<std::string_view>& parts) {
  std::array<unsigned char, 32> out{};
  EVP_MD_CTX_copy_ex(work_, keyed_);
  for (const auto part : parts) {
    const std::uint64_t length = part.size();
    unsigned char prefix[8];
    for (int i = 0; i < 8; ++i) prefix[i] = static_cast<unsigned char>(length >> (8 * i));
    EVP_DigestUpdate(work_, prefix, sizeof prefix);
    EVP_DigestUpdate(work_, part.data(), part.size());
  }
  unsigned int size = 0;
  EVP_DigestFinal_ex(work_, out.data(), &size);
  return out;
}

PathPrint KeyedHasher::print(std::string_view path) {
  const auto bytes = digest({path});
  PathPrint print;
  print.hash = read_u64(bytes.data());
  std::uint32_t check = 0;
  std::memcpy(&check, bytes.data() + 8, sizeof check);
  print.check = check & ~kKindBits;
  return print;
}

PathPrint PathTable::Slot::print() const {
  return {(static_cast<std::uint64_t>(high) << 32) | low, check_and_kind & ~kKindBits};
}

std::size_t PathTable::position(const PathPrint& print) const {
  // Maps the hash onto [0, size) without a modulo (Lemire's multiply-shift).
  return static_cast<std::size_t>((static_cast<Wide>(print.hash) * slots_.size()) >> 64);
}

std::size_t PathTable::slot_of(const PathPrint& print) const {
  std::size_t at = position(print);
  for (;;) {
    const Slot& slot = slots_[at];
    if (slot.kind() == PathKind::absent || slot.print() == print) return at;
    if (++at == slots_.size()) at = 0;
  }
}

PathKind PathTable::find(const PathPrint& print) const {
  if (slots_.empty()) return PathKind::absent;
  return slots_[slot_of(print)].kind();
}

void PathTable::put(const PathPrint& print, PathKind kind) {
  if ((size_ + 1) * 100 > slots_.size() * kMaxLoadPercent) grow();
  Slot& slot = slots_[slot_of(print)];
  if (slot.kind() == PathKind::absent) ++size_;
  slot.low = static_cast<std::uint32_t>(print.hash);
  slot.high = static_cast<std::uint32_t>(print.hash >> 32);
  slot.check_and_kind = print.check | static_cast<std::uint32_t>(kind);
}

void PathTable::grow() {
  std::vector<Slot> old(std::max(kFirstSlots, slots_.size() + slots_.size() / 2));
  old.swap(slots_);
  for (const Slot& slot : old)
    if (slot.kind() != PathKind::absent) slots_[slot_of(slot.print())] = slot;
}

void TreeDigest::add(const std::array<unsigned char, 32>& entry_digest) {
  std::uint64_t carry = 0;
  for (std::size_t limb = 0; limb < sum_.size(); ++limb) {
    const std::uint64_t term = read_u64(entry_digest.data() + 8 * limb);
    const std::uint64_t partial = sum_[limb] + term;
    const std::uint64_t total = partial + carry;
    carry = (partial < term || total < partial) ? 1 : 0;
    sum_[limb] = total;
  }
  ++entries_;
}

}  // namespace hivekeeper::archive
