// Compresses a byte stream into a .gz file on every core. The stream is cut into blocks of about
// 1 MiB, each compressed on a worker thread by libdeflate into its own gzip member, and the
// members are written in order: a concatenation of members is one valid gzip file (RFC 1952), so
// `gunzip -c`, `tar xzf`, Python and libarchive read it as usual. libarchive's own gzip filter is
// single-threaded and would make compression, not pg_dump, the backup's limit.
// set_level() changes the level between blocks, so already-compressed media (PNG, JPEG) is stored
// instead of being deflated again for nothing. Output is written through an AtomicFile while a
// SHA-256 of it is computed. Memory stays bounded: at most a few blocks are in flight.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "archive/atomic_file.h"
#include "archive/sha256.h"

namespace hivekeeper::archive {

struct WrittenFile {
  std::filesystem::path path;
  std::uint64_t bytes = 0;
  std::string sha256;
};

class ParallelGzipWriter {
 public:
  static constexpr std::size_t kBlockSize = 1 << 20;

  ParallelGzipWriter(std::filesystem::path final_path, int level, unsigned workers);
  ~ParallelGzipWriter();  // abandons the file unless finish() succeeded
  ParallelGzipWriter(const ParallelGzipWriter&) = delete;
  ParallelGzipWriter& operator=(const ParallelGzipWriter&) = delete;

  void write(std::string_view data);
  // 0 stores, 1-12 as libdeflate (6 is gzip's default). Takes effect for data written after it.
  void set_level(int level);
  // Flushes and waits for the workers; the file is complete but still under its temporary name.
  WrittenFile finish();
  // fsyncs and renames the file into place (see AtomicFile::commit).
  void commit() { file_.commit(); }

  std::uint64_t bytes_in() const { return bytes_in_; }

 private:
  struct Block {
    std::uint64_t sequence;
    int level;
    std::string data;
  };

  void submit_current();
  void worker_loop();
  void writer_loop();
  void stop_threads();
  void rethrow_failure();

  AtomicFile file_;
  Sha256 sha256_;
  int level_;
  std::string current_;
  std::uint64_t bytes_in_ = 0;
  std::uint64_t bytes_out_ = 0;

  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Block> pending_;                       // waiting for a worker
  std::map<std::uint64_t, std::string> compressed_;  // waiting for the writer, by sequence
  std::uint64_t next_sequence_ = 0;
  std::uint64_t next_to_write_ = 0;
  std::size_t max_in_flight_;
  bool closing_ = false;
  std::exception_ptr failure_;
  std::vector<std::thread> workers_;
  std::thread writer_;
};

}  // namespace hivekeeper::archive
