#include "archive/gzip_encoder.h"

#include <libdeflate.h>

#include <algorithm>
#include <array>
#include <stdexcept>
#include <utility>

#include "common/error.h"

namespace hivekeeper::archive {
namespace {

// libdeflate's levels; the compressors are kept in an array indexed by level.
constexpr int kMaxLevel = 12;

void check_level(int level) {
  if (level < 0 || level > kMaxLevel)
    throw std::invalid_argument("gzip level " + std::to_string(level) + " is outside 0-12");
}

// A block whose samples do not shrink at level 1 is stored instead: photos, scans and archives
// in the media cost libdeflate 60-100 MB/s at any level for nothing, storing them 5 GB/s, and
// the output is the same size. Three samples, so that a block mixing such a file with text (a tar
// of SVGs and JPEGs) is still compressed when any of them is text.
constexpr std::size_t kSampleBytes = 16 * 1024;
constexpr double kIncompressibleRatio = 0.97;

bool looks_incompressible(libdeflate_compressor* sampler, const std::string& block) {
  if (sampler == nullptr || block.size() < 4 * kSampleBytes) return false;
  std::array<char, kSampleBytes + 1024> output{};
  const std::size_t starts[] = {0, block.size() / 2 - kSampleBytes / 2,
                                block.size() - kSampleBytes};
  for (const std::size_t start : starts) {
    const std::size_t size = libdeflate_deflate_compress(
        sampler, block.data() + start, kSampleBytes, output.data(), output.size());
    if (size != 0 && static_cast<double>(size) < kIncompressibleRatio * kSampleBytes) return false;
  }
  return true;
}

}  // namespace

ParallelGzipEncoder::ParallelGzipEncoder(Sink sink, int level, unsigned workers)
    : sink_(std::move(sink)), level_(level), max_in_flight_(std::max(1u, workers) + 2) {
  check_level(level);
  current_.reserve(kBlockSize);
  for (unsigned i = 0; i < std::max(1u, workers); ++i)
    workers_.emplace_back([this] { worker_loop(); });
  writer_ = std::thread([this] { writer_loop(); });
}

ParallelGzipEncoder::~ParallelGzipEncoder() {
  stop_threads();
}

void ParallelGzipEncoder::stop_threads() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
  }
  changed_.notify_all();
  for (auto& worker : workers_)
    if (worker.joinable()) worker.join();
  if (writer_.joinable()) writer_.join();
}

void ParallelGzipEncoder::rethrow_failure() {
  std::lock_guard lock(mutex_);
  if (failure_) std::rethrow_exception(failure_);
}

void ParallelGzipEncoder::write(std::string_view data) {
  bytes_in_ += data.size();
  while (!data.empty()) {
    const std::size_t take = std::min(data.size(), kBlockSize - current_.size());
    current_.append(data.substr(0, take));
    data.remove_prefix(take);
    if (current_.size() == kBlockSize) submit(std::exchange(current_, std::string()));
  }
}

void ParallelGzipEncoder::set_level(int level) {
  check_level(level);
  if (level == level_) return;
  if (!current_.empty())
    submit(std::exchange(current_, std::string()));  // a member has one level: start the next
  level_ = level;
}

void ParallelGzipEncoder::submit(std::string data) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return failure_ || next_sequence_ - next_to_write_ < max_in_flight_; });
  if (failure_) std::rethrow_exception(failure_);
  pending_.push_back({next_sequence_++, level_, std::move(data)});
  lock.unlock();
  changed_.notify_all();
  if (current_.capacity() < kBlockSize) current_.reserve(kBlockSize);
}

void ParallelGzipEncoder::flush() {
  if (!current_.empty()) submit(std::exchange(current_, std::string()));
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return failure_ || next_to_write_ == next_sequence_; });
  if (failure_) std::rethrow_exception(failure_);
}

void ParallelGzipEncoder::finish() {
  if (next_sequence_ == 0 && current_.empty()) submit(std::string());
  flush();
  stop_threads();
  rethrow_failure();
}

void ParallelGzipEncoder::worker_loop() {
  std::array<libdeflate_compressor*, kMaxLevel + 1> compressors{};
  const auto compressor_for = [&](int level) {
    auto& compressor = compressors[static_cast<std::size_t>(level)];
    if (compressor == nullptr) compressor = libdeflate_alloc_compressor(level);
    return compressor;
  };
  for (;;) {
    Block block;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [&] { return closing_ || !pending_.empty(); });
      if (closing_) break;
      block = std::move(pending_.front());
      pending_.erase(pending_.begin());
    }
    if (block.level > 0 && looks_incompressible(compressor_for(1), block.data)) block.level = 0;
    libdeflate_compressor* const compressor = compressor_for(block.level);
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

void ParallelGzipEncoder::writer_loop() {
  for (;;) {
    std::string member;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [&] { return closing_ || compressed_.count(next_to_write_) != 0; });
      if (closing_) break;
      const auto found = compressed_.find(next_to_write_);
      member = std::move(found->second);
      compressed_.erase(found);
      if (failure_) break;
    }
    try {
      sink_(member);
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

}  // namespace hivekeeper::archive
