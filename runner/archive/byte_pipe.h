// A bounded, thread-safe pipe of byte chunks. It joins a pushing producer (an HTTP body arriving
// through callbacks) to a pulling consumer (libarchive's read callback), with at most a few MiB in
// between so a slow consumer slows the producer instead of growing memory. Either side can fail
// it; the other side then sees the failure instead of blocking forever.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <mutex>
#include <string>
#include <string_view>

namespace hivekeeper::archive {

class BytePipe {
 public:
  explicit BytePipe(std::size_t capacity_bytes = 4 << 20);

  // Producer side. push() blocks while the pipe is full; throws if the consumer failed.
  void push(std::string_view bytes);
  void close();                         // end of data
  void fail(std::exception_ptr error);  // the producer broke; pop() rethrows

  // Consumer side. Returns the next chunk, or an empty string at the end; rethrows a producer
  // failure. The returned chunk stays valid until the next pop().
  const std::string& pop();
  void abandon(std::exception_ptr error);  // the consumer broke; push() rethrows

  // Either side, or a third party: both ends see `error` from now on.
  void cancel(std::exception_ptr error);

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::string> chunks_;
  std::string current_;
  std::size_t buffered_ = 0;
  std::size_t capacity_;
  bool closed_ = false;
  std::exception_ptr producer_failure_;
  std::exception_ptr consumer_failure_;
};

}  // namespace hivekeeper::archive
