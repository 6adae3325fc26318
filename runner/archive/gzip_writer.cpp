#include "archive/gzip_writer.h"

#include <libdeflate.h>

#include <algorithm>
#include <array>

#include "common/error.h"

namespace hivekeeper::archive {
namespace {

// libdeflate's levels; the compressors are kept in an array indexed by level.
constexpr int kMaxLevel = 12;

void check_level(int level) {
  if (level < 0 || level > kMaxLevel)
    throw std::invalid_argument("gzip level " + std::to_string(level) + " is outside 0-12");
}

}  // namespace

ParallelGzipWriter::ParallelGzipWriter(std::filesystem::path final_path, int level,
                                       unsigned workers)
    : file_(std::move(final_path)), level_(level), max_in_flight_(std::max(1u, workers) + 2) {
  check_level(level);
  current_.reserve(kBlockSize);
  for (unsigned i = 0; i < std::max(1u, workers); ++i)
    workers_.emplace_back([this] { worker_loop(); });
  writer_ = std::thread([this] { writer_loop(); });
}

ParallelGzipWriter::~ParallelGzipWriter() {
  stop_threads();
}

void ParallelGzipWriter::stop_threads() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
  }
  changed_.notify_all();
  for (auto& worker : workers_)
    if (worker.joinable()) worker.join();
  if (writer_.joinable()) writer_.join();
}

void ParallelGzipWriter::rethrow_failure() {
  std::lock_guard lock(mutex_);
  if (failure_) std::rethrow_exception(failure_);
}

void ParallelGzipWriter::write(std::string_view data) {
  bytes_in_ += data.size();
  while (!data.empty()) {
    const std::size_t take = std::min(data.size(), kBlockSize - current_.size());
    current_.append(data.substr(0, take));
    data.remove_prefix(take);
    if (current_.size() == kBlockSize) submit_current();
  }
}

void ParallelGzipWriter::set_level(int level) {
  check_level(level);
  if (level == level_) return;
  submit_current();  // a gzip member has one level: start the next one here
  level_ = level;
}

void ParallelGzipWriter::submit_current() {
  if (current_.empty()) return;
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return failure_ || next_sequence_ - next_to_write_ < max_in_flight_; });
  if (failure_) std::rethrow_exception(failure_);
  pending_.push_back({next_sequence_++, level_, std::move(current_)});
  lock.unlock();
  changed_.notify_all();
  current_ = std::string();
  current_.reserve(kBlockSize);
}

void ParallelGzipWriter::worker_loop() {
  std::array<libdeflate_compressor*, kMaxLevel + 1> compressors{};
  for (;;) {
    Block block;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [&] { return closing_ || !pending_.empty(); });
      if (pending_.empty()) break;
      block = std::move(pending_.front());
      pending_.erase(pending_.begin());
    }
    auto& compressor = compressors[static_cast<std::size_t>(block.level)];
    if (compressor == nullptr) compressor = libdeflate_alloc_compressor(block.level);
    std::string output;
    if (compressor != nullptr) {
      output.resize(libdeflate_gzip_compress_bound(compressor, block.data.size()));
      output.resize(libdeflate_gzip_compress(compressor, block.data.data(), block.data.size(),
                                             output.data(), output.size()));
    }
    std::lock_guard lock(mutex_);
    if (output.empty() && !failure_)
      failure_ = std::make_exception_ptr(
          job_failed("CompressionFailed", "libdeflate could not compress a block"));
    compressed_.emplace(block.sequence, std::move(output));
    changed_.notify_all();
  }
  for (auto* compressor : compressors)
    if (compressor != nullptr) libdeflate_free_compressor(compressor);
}

void ParallelGzipWriter::writer_loop() {
  for (;;) {
    std::string member;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [&] { return closing_ || compressed_.count(next_to_write_) != 0; });
      const auto found = compressed_.find(next_to_write_);
      if (found == compressed_.end()) {
        if (pending_.empty() && next_to_write_ == next_sequence_) break;
        // closing with blocks still at the workers: wait for them
        changed_.wait(lock, [&] { return compressed_.count(next_to_write_) != 0 || failure_; });
        if (failure_ && compressed_.count(next_to_write_) == 0) break;
        continue;
      }
      member = std::move(found->second);
      compressed_.erase(found);
    }
    try {
      file_.write(member.data(), member.size());
      sha256_.update(member);
      bytes_out_ += member.size();
    } catch (...) {
      std::lock_guard lock(mutex_);
      if (!failure_) failure_ = std::current_exception();
    }
    {
      std::lock_guard lock(mutex_);
      ++next_to_write_;
    }
    changed_.notify_all();
  }
}

WrittenFile ParallelGzipWriter::finish() {
  if (bytes_in_ == 0) {
    // An empty input still makes a valid (empty) gzip file, so `gunzip` does not choke on it.
    current_.clear();
    std::lock_guard lock(mutex_);
    pending_.push_back({next_sequence_++, level_, std::string()});
    changed_.notify_all();
  }
  submit_current();
  stop_threads();
  rethrow_failure();
  return {file_.final_path(), bytes_out_, sha256_.hex_digest()};
}

}  // namespace hivekeeper::archive
