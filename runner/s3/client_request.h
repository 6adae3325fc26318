// s3/client_request: one request as s3/client's operations describe it to the transport
// (s3/client_transport.cpp), and what came back. Internal to s3/.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "s3/client.h"
#include "s3/part_spool.h"

namespace hivekeeper::s3 {

struct Client::Request {
  std::string operation;  // "PutObject", for messages
  std::string method = "GET";
  std::string key;    // as the caller named it (relative), for messages; "" for the bucket
  std::string full;   // the object's key in the bucket; "" for the bucket
  std::string query;  // already encoded
  std::string_view body;
  const PartSpool* spooled_body = nullptr;  // the body instead, when it is a part on disk
  std::string body_sha256_hex;              // "" = computed here
  std::vector<std::string> headers;
  const std::function<void(std::string_view)>* sink = nullptr;  // the body of a 2xx reply
  std::string expected_etag;            // the body's MD5 where the ETag must equal it
  bool not_found_is_an_answer = false;  // HEAD: 404 is "no such object", not a failure
};

inline std::size_t body_size(const Client::Request& request) {
  return request.spooled_body ? request.spooled_body->size() : request.body.size();
}

struct Client::Reply {
  AttemptOutcome outcome;
  std::string server_message;
  std::string curl_error;
  std::string body;                            // unless streamed into the sink
  std::map<std::string, std::string> headers;  // lower-case names, of the final response
  bool sink_reached = false;
  bool stopped_by_interrupt = false;
  std::size_t sent = 0;  // bytes of the body handed to libcurl so far
};

}  // namespace hivekeeper::s3
