#include "archive/byte_pipe.h"

namespace hivekeeper::archive {

BytePipe::BytePipe(std::size_t capacity_bytes) : capacity_(capacity_bytes) {}

void BytePipe::push(std::string_view bytes) {
  if (bytes.empty()) return;
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return consumer_failure_ || buffered_ < capacity_; });
  if (consumer_failure_) std::rethrow_exception(consumer_failure_);
  chunks_.emplace_back(bytes);
  buffered_ += bytes.size();
  lock.unlock();
  changed_.notify_all();
}

void BytePipe::close() {
  std::lock_guard lock(mutex_);
  closed_ = true;
  changed_.notify_all();
}

void BytePipe::fail(std::exception_ptr error) {
  std::lock_guard lock(mutex_);
  producer_failure_ = std::move(error);
  closed_ = true;
  changed_.notify_all();
}

const std::string& BytePipe::pop() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return !chunks_.empty() || closed_; });
  if (chunks_.empty()) {
    if (producer_failure_) std::rethrow_exception(producer_failure_);
    current_.clear();
    return current_;
  }
  current_ = std::move(chunks_.front());
  chunks_.pop_front();
  buffered_ -= current_.size();
  lock.unlock();
  changed_.notify_all();
  return current_;
}

void BytePipe::abandon(std::exception_ptr error) {
  std::lock_guard lock(mutex_);
  consumer_failure_ = std::move(error);
  chunks_.clear();
  buffered_ = 0;
  changed_.notify_all();
}

void BytePipe::cancel(std::exception_ptr error) {
  std::lock_guard lock(mutex_);
  producer_failure_ = error;
  consumer_failure_ = error;
  closed_ = true;
  chunks_.clear();
  buffered_ = 0;
  changed_.notify_all();
}

}  // namespace hivekeeper::archive
