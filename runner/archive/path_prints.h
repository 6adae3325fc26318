// What the runner keeps of a media archive's paths, in memory that grows by a few bytes a path
// whatever the names hold: a path is known by a keyed fingerprint (93 bits of SHA-256 over a
// random per-run key and the path), kept with its kind in an open-addressing table of 12-byte
// slots. A million paths take 15 to 25 MiB; the names themselves are never kept. The key is
// secret to the run, so an archive cannot be made to collide two paths; by chance, two of a
// billion paths collide with odds under 10^-9. The same key makes TreeDigest, an
// order-independent digest of a tree, for comparing what was staged with what was sent when the
// engine lists it back in another order.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

struct evp_md_ctx_st;

namespace hivekeeper::archive {

enum class PathKind : std::uint8_t {
  absent = 0,
  folder,          // listed as a folder
  implied_folder,  // not listed, but entries lie below it
  file,            // a regular file no hard link names
  linked_file,     // a regular file a hard link names
  hardlink,
  symlink,
};

bool is_folder(PathKind kind);

struct PathPrint {
  std::uint64_t hash = 0;   // places the slot
  std::uint32_t check = 0;  // 29 more bits; the low 3 hold the kind in the table
  bool operator==(const PathPrint&) const = default;
};

using DigestKey = std::array<unsigned char, 32>;

DigestKey random_digest_key();

// SHA-256 with KEY absorbed once; each hash copies that state.
class KeyedHasher {
 public:
  explicit KeyedHasher(const DigestKey& key);
  ~KeyedHasher();
  KeyedHasher(const KeyedHasher&) = delete;
  KeyedHasher& operator=(const KeyedHasher&) = delete;

  PathPrint print(std::string_view path);
  // SHA-256(key || PARTS...) of the parts joined with their lengths, so no two part lists meet.
  std::array<unsigned char, 32> digest(const std::vector<std::string_view>& parts);

 private:
  evp_md_ctx_st* keyed_;
  evp_md_ctx_st* work_;
};

// Fingerprint -> kind. Fingerprints are never removed; a kind can change. The table is split in
// kShards by the fingerprint's top bits, each growing on its own, so a growth holds two copies
// of one shard only, never of the whole table.
class PathTable {
 public:
  PathKind find(const PathPrint& print) const;
  void put(const PathPrint& print, PathKind kind);
  std::size_t size() const { return size_; }
  std::size_t bytes() const;
  // Calls VISIT(print, kind) for every path in the table.
  template <typename Visit>
  void for_each(Visit visit) const {
    for (const Shard& shard : shards_)
      for (const Slot& slot : shard.slots)
        if (slot.kind() != PathKind::absent) visit(slot.print(), slot.kind());
  }

 private:
  static constexpr int kShardBits = 6;
  static constexpr std::size_t kShards = std::size_t{1} << kShardBits;
  struct Slot {
    std::uint32_t low = 0, high = 0, check_and_kind = 0;
    PathKind kind() const { return static_cast<PathKind>(check_and_kind & 7U); }
    PathPrint print() const;
  };
  struct Shard {
    std::vector<Slot> slots;
    std::size_t size = 0;
  };
  static Shard& shard_of(std::array<Shard, kShards>& shards, const PathPrint& print);
  static std::size_t slot_of(const Shard& shard, const PathPrint& print);  // or its empty slot
  static void grow(Shard& shard);

  std::array<Shard, kShards> shards_;
  std::size_t size_ = 0;
};

// The sum, modulo 2^256, of the keyed digests of a tree's entries, and their count: equal for
// two listings of the same entries in any order.
class TreeDigest {
 public:
  void add(const std::array<unsigned char, 32>& entry_digest);
  std::uint64_t entries() const { return entries_; }
  bool operator==(const TreeDigest&) const = default;

 private:
  std::array<std::uint64_t, 4> sum_{};
  std::uint64_t entries_ = 0;
};

}  // namespace hivekeeper::archive
