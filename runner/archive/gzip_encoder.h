// Compresses a byte stream into gzip on several threads. The stream is cut into blocks of about
// 1 MiB, each compressed on a worker thread by libdeflate into its own gzip member, and the
// members go to the sink in order: a concatenation of members is one valid gzip stream (RFC 1952),
// so `gunzip -c`, `gzip -dc`, `tar xzf` and libarchive read it as usual. libarchive's own gzip
// filter is single-threaded and would make compression the limit of a backup.
// The sink is called on the encoder's writer thread; what it throws ends the stream and is
// rethrown by the next write(), flush() or finish(). Memory stays bounded: at most a few blocks
// are in flight.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace hivekeeper::archive {

class ParallelGzipEncoder {
 public:
  static constexpr std::size_t kBlockSize = 1 << 20;
  using Sink = std::function<void(std::string_view member)>;

  ParallelGzipEncoder(Sink sink, int level, unsigned workers);
  ~ParallelGzipEncoder();  // stops the threads; what has not reached the sink by then is dropped
  ParallelGzipEncoder(const ParallelGzipEncoder&) = delete;
  ParallelGzipEncoder& operator=(const ParallelGzipEncoder&) = delete;

  void write(std::string_view data);
  // 0 stores, 1-12 as libdeflate (6 is gzip's default). Takes effect for data written after it.
  void set_level(int level);
  // Ends the current block early and returns once every byte written so far reached the sink:
  // for a reader on the other end that must see everything before it answers.
  void flush();
  // flush(), then stops the threads. An empty stream still yields one (empty) member, so that
  // the output is a valid gzip stream.
  void finish();

  std::uint64_t bytes_in() const { return bytes_in_; }

 private:
  struct Block {
    std::uint64_t sequence;
    int level;
    std::string data;
  };

  void submit(std::string data);
  void worker_loop();
  void writer_loop();
  void stop_threads();
  void rethrow_failure();

  Sink sink_;
  int level_;
  std::string current_;
  std::uint64_t bytes_in_ = 0;

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
