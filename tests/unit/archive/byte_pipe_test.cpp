// BytePipe between a producer and a consumer thread: order kept, memory bounded, and neither side
// left blocked when the other fails or a third party cancels.
#include "archive/byte_pipe.h"

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>

#include <gtest/gtest.h>

namespace hivekeeper::archive {
namespace {

std::string message_of(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& caught) {
    return caught.what();
  }
}

// Pops until the end and returns everything, or the failure's message prefixed with "threw: ".
std::string drain(BytePipe& pipe) {
  std::string all;
  try {
    for (;;) {
      const std::string& chunk = pipe.pop();
      if (chunk.empty()) return all;
      all += chunk;
    }
  } catch (const std::exception& error) {
    return all + "threw: " + error.what();
  }
}

TEST(BytePipe, CarriesEveryByteInOrderThroughASmallBuffer) {
  BytePipe pipe(64);  // far smaller than the data, so the producer blocks again and again
  std::string sent;
  for (int i = 0; i < 2000; ++i)
    sent += std::string(static_cast<std::size_t>(i % 97 + 1), static_cast<char>('a' + i % 26));
  std::thread producer([&] {
    std::size_t at = 0;
    for (int i = 0; at < sent.size(); ++i) {
      const std::size_t size = static_cast<std::size_t>(i % 50 + 1);
      pipe.push(std::string_view(sent).substr(at, size));
      at += size;
    }
    pipe.close();
  });
  const std::string received = drain(pipe);
  producer.join();
  EXPECT_EQ(received.size(), sent.size());
  EXPECT_TRUE(received == sent);
}

TEST(BytePipe, CloseWithNothingPushedEndsAtOnce) {
  BytePipe pipe;
  pipe.close();
  EXPECT_EQ(pipe.pop(), "");
  EXPECT_EQ(pipe.pop(), "");  // and stays ended
}

TEST(BytePipe, EmptyPushIsNotTheEnd) {
  BytePipe pipe;
  pipe.push("");
  pipe.push("data");
  pipe.close();
  EXPECT_EQ(drain(pipe), "data");
}

TEST(BytePipe, ProducerFailureReachesTheConsumerAfterTheDataBeforeIt) {
  BytePipe pipe;
  std::thread producer([&] {
    pipe.push("abc");
    pipe.fail(std::make_exception_ptr(std::runtime_error("the tar stream broke")));
  });
  producer.join();
  EXPECT_EQ(drain(pipe), "abcthrew: the tar stream broke");
}

TEST(BytePipe, ProducerFailureWakesABlockedConsumer) {
  BytePipe pipe;
  std::string result;
  std::thread consumer([&] { result = drain(pipe); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  pipe.fail(std::make_exception_ptr(std::runtime_error("engine gone")));
  consumer.join();
  EXPECT_EQ(result, "threw: engine gone");
}

TEST(BytePipe, ConsumerAbandonWakesABlockedProducer) {
  BytePipe pipe(4);
  std::string result = "no exception";
  std::thread producer([&] {
    try {
      for (;;) pipe.push("1234");  // blocks on the second push until the consumer gives up
    } catch (const std::exception& error) {
      result = error.what();
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  pipe.abandon(std::make_exception_ptr(std::runtime_error("disk full")));
  producer.join();
  EXPECT_EQ(result, "disk full");
}

TEST(BytePipe, CancelUnblocksAProducerAndFailsTheConsumerToo) {
  BytePipe pipe(4);
  std::string producer_saw = "no exception";
  std::thread producer([&] {
    try {
      for (;;) pipe.push("1234");
    } catch (const std::exception& error) {
      producer_saw = error.what();
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  pipe.cancel(std::make_exception_ptr(std::runtime_error("interrupted by SIGTERM")));
  producer.join();
  EXPECT_EQ(producer_saw, "interrupted by SIGTERM");
  // Buffered chunks are dropped: the consumer sees the cancellation, not stale data.
  EXPECT_EQ(drain(pipe), "threw: interrupted by SIGTERM");
}

TEST(BytePipe, CancelUnblocksAConsumerAndFailsTheProducerToo) {
  BytePipe pipe;
  std::string consumer_saw;
  std::thread consumer([&] { consumer_saw = drain(pipe); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const auto error = std::make_exception_ptr(std::runtime_error("interrupted by SIGINT"));
  pipe.cancel(error);
  consumer.join();
  EXPECT_EQ(consumer_saw, "threw: interrupted by SIGINT");
  std::string producer_saw = "no exception";
  try {
    pipe.push("late");
  } catch (const std::exception& caught) {
    producer_saw = caught.what();
  }
  EXPECT_EQ(producer_saw, message_of(error));
}

}  // namespace
}  // namespace hivekeeper::archive
