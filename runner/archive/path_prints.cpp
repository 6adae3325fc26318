#include "archive/path_prints.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace hivekeeper::archive {
namespace {

constexpr std::uint32_t kKindBits = 7U;
// A shard grows by half when it would be fuller than this: linear probing stays short.
constexpr std::size_t kMaxLoadPercent = 80;
constexpr std::size_t kFirstSlots = 32;

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

PathTable::Shard& PathTable::shard_of(std::array<Shard, kShards>& shards, const PathPrint& print) {
  return shards[print.hash >> (64 - kShardBits)];
}

std::size_t PathTable::slot_of(const Shard& shard, const PathPrint& print) {
  // The bits below the shard's place the slot, mapped onto [0, size) without a modulo (Lemire's
  // multiply-shift); linear probing from there.
  const std::uint64_t below = print.hash << kShardBits;
  std::size_t at = static_cast<std::size_t>((static_cast<Wide>(below) * shard.slots.size()) >> 64);
  for (;;) {
    const Slot& slot = shard.slots[at];
    if (slot.kind() == PathKind::absent || slot.print() == print) return at;
    if (++at == shard.slots.size()) at = 0;
  }
}

PathKind PathTable::find(const PathPrint& print) const {
  const Shard& shard = shards_[print.hash >> (64 - kShardBits)];
  if (shard.slots.empty()) return PathKind::absent;
  return shard.slots[slot_of(shard, print)].kind();
}

void PathTable::put(const PathPrint& print, PathKind kind) {
  Shard& shard = shard_of(shards_, print);
  if ((shard.size + 1) * 100 > shard.slots.size() * kMaxLoadPercent) grow(shard);
  Slot& slot = shard.slots[slot_of(shard, print)];
  if (slot.kind() == PathKind::absent) {
    ++shard.size;
    ++size_;
  }
  slot.low = static_cast<std::uint32_t>(print.hash);
  slot.high = static_cast<std::uint32_t>(print.hash >> 32);
  slot.check_and_kind = print.check | static_cast<std::uint32_t>(kind);
}

std::size_t PathTable::bytes() const {
  std::size_t total = 0;
  for (const Shard& shard : shards_) total += shard.slots.size() * sizeof(Slot);
  return total;
}

void PathTable::grow(Shard& shard) {
  std::vector<Slot> old(std::max(kFirstSlots, shard.slots.size() + shard.slots.size() / 2));
  old.swap(shard.slots);
  for (const Slot& slot : old)
    if (slot.kind() != PathKind::absent) shard.slots[slot_of(shard, slot.print())] = slot;
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
