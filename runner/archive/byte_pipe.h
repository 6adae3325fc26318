// A bounded, thread-safe pipe of byte chunks. It joins a pushing producer (an HTTP body arriving
// through callbacks) to a pulling consumer (libarchive's read callback), with at most a few MiB in
// between so a slow consumer slows the producer instead of growing memory. Either side can fail
// it; the other side then sees the failure instead of blocking forever.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <future>
#include <mutex>
#include <string>
#include <string_view>
#include <type_traits>

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

// Joins a producer and a consumer through PIPE: PRODUCE pushes into it on another thread while
// CONSUME pulls from it on this one. The pipe is closed when PRODUCE returns; a failure on either
// side (or a cancel() from a third party) reaches the other instead of leaving it blocked, and the
// first failure is rethrown here once both sides have ended. Returns what CONSUME returns.
template <typename Consume>
auto pump(BytePipe& pipe, const std::function<void(BytePipe&)>& produce, Consume consume) {
  auto producer = std::async(std::launch::async, [&] {
    try {
      produce(pipe);
      pipe.close();
    } catch (...) {
      pipe.fail(std::current_exception());
    }
  });
  try {
    if constexpr (std::is_void_v<decltype(consume(pipe))>) {
      consume(pipe);
      producer.get();
    } else {
      auto result = consume(pipe);
      producer.get();
      return result;
    }
  } catch (...) {
    pipe.cancel(std::current_exception());
    if (producer.valid()) producer.wait();
    throw;
  }
}

// The same through a pipe of its own.
template <typename Consume>
auto pump(const std::function<void(BytePipe&)>& produce, Consume consume) {
  BytePipe pipe;
  return pump(pipe, produce, std::move(consume));
}

}  // namespace hivekeeper::archive
