// s3/client: the S3 requests the off-site store needs, over one libcurl easy handle per Client
// (kept alive between requests), signed with libcurl's own SigV4 (CURLOPT_AWS_SIGV4). Every
// request carries x-amz-content-sha256 set by us (libcurl would send UNSIGNED-PAYLOAD for a PUT
// it reads through a callback); bodies we send also carry Content-MD5 and x-amz-checksum-sha256,
// so a byte damaged on the way is refused by S3, and an ETag that is not the body's MD5 (where
// S3 makes it one) is taken as such a refusal too. Transient failures are retried (s3/retry.h).
// A transfer stops within a second once the process is interrupted (SIGTERM), except on a
// client made with keep_going_when_interrupted() (the one that aborts a multipart upload then).
// Keys are relative to config.prefix; the client joins them. One thread at a time per Client.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "s3/bucket.h"
#include "s3/part_spool.h"
#include "s3/replies.h"
#include "s3/retry.h"

namespace hivekeeper::s3 {

class Client {
 public:
  Client(BucketConfig config, Credentials credentials, RetryPolicy policy = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  const BucketConfig& config() const { return config_; }
  const RetryPolicy& policy() const { return policy_; }
  // A Client of its own for the same bucket (its own connection), as a cleanup needs one.
  std::unique_ptr<Client> clone() const {
    return std::make_unique<Client>(config_, credentials_, policy_);
  }
  void keep_going_when_interrupted() { stops_on_interrupt_ = false; }

  void put_object(const std::string& key, std::string_view body);
  void put_object(const std::string& key, PartSpool& body);
  // Streams the object into `sink`; a failure is retried only before the first byte reached it.
  void get_object(const std::string& key, const std::function<void(std::string_view)>& sink);
  std::optional<ObjectInfo> head_object(const std::string& key);
  std::vector<ObjectInfo> list_objects(const std::string& key_prefix);  // every page
  void delete_object(const std::string& key);
  std::vector<PendingUpload> list_multipart_uploads(const std::string& key_prefix);
  void abort_multipart_upload(const std::string& key, const std::string& upload_id);

  // The multipart primitives MultipartUpload uses.
  std::string create_multipart_upload(const std::string& key);  // the UploadId
  CompletedPart upload_part(const std::string& key, const std::string& upload_id, int number,
                            std::string_view body);
  CompletedPart upload_part(const std::string& key, const std::string& upload_id, int number,
                            PartSpool& body);
  void complete_multipart_upload(const std::string& key, const std::string& upload_id,
                                 const std::vector<CompletedPart>& parts);

  struct Request;
  struct Reply;

 private:
  Reply send(const Request& request);
  // REQUEST with its body's digests as headers (the server checks them), after HEADERS.
  Reply send_with_digests(Request& request, const BodyDigests& digests,
                          std::vector<std::string> headers);
  Request part_request(const std::string& key, const std::string& upload_id, int number) const;
  // An UploadPart REQUEST whose body has DIGESTS: the part as CompleteMultipartUpload lists it.
  CompletedPart send_part(Request& request, int number, const BodyDigests& digests);
  Reply send_once(const Request& request);
  std::vector<std::string> object_headers() const;

  BucketConfig config_;
  Credentials credentials_;
  RetryPolicy policy_;
  bool stops_on_interrupt_ = true;
  void* handle_ = nullptr;  // CURL*
};

}  // namespace hivekeeper::s3
