// s3/replies: the XML S3 answers with, read into plain structs, and the one XML body we send
// (CompleteMultipartUpload). Replies are untrusted input: anything that is not the document S3
// sends (malformed XML, a missing element, a size that is no number) is an Error with reason
// S3ReplyMalformed, never a crash or a silently empty result.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hivekeeper::s3 {

struct ObjectInfo {
  std::string key;
  std::uint64_t size = 0;
  std::string etag;  // without its quotes
  std::chrono::system_clock::time_point last_modified;
};

struct PendingUpload {
  std::string key, upload_id;
  std::chrono::system_clock::time_point initiated;
};

// <Error><Code>NoSuchBucket</Code><Message>...</Message></Error>
struct ServerError {
  std::string code, message;
};

// One ListObjectsV2 page; keys as the server names them (with the bucket's prefix).
struct ObjectPage {
  std::vector<ObjectInfo> objects;
  bool truncated = false;
  std::string next_continuation_token;
};

struct UploadPage {
  std::vector<PendingUpload> uploads;
  bool truncated = false;
  std::string next_key_marker, next_upload_id_marker;
};

// CompleteMultipartUpload can fail after its 200 status line: the body is then an <Error>.
struct CompletedUpload {
  std::string etag;
  std::optional<ServerError> error;
};

struct CompletedPart {
  int number = 0;
  std::string etag;             // as UploadPart returned it, without quotes
  std::string checksum_sha256;  // base64, as sent in x-amz-checksum-sha256
};

ObjectPage parse_list_objects(std::string_view xml);
std::string parse_initiate_multipart(std::string_view xml);  // the UploadId
CompletedUpload parse_complete_multipart(std::string_view xml);
UploadPage parse_list_multipart_uploads(std::string_view xml);
// The server's error when `xml` is an <Error> document; nullopt for anything else (an empty
// body, as HEAD replies have, or HTML from a proxy).
std::optional<ServerError> parse_error(std::string_view xml);

std::string complete_multipart_body(const std::vector<CompletedPart>& parts);

// "2026-11-30T08:15:02.000Z" (S3's listings); nullopt when it is not such a time.
std::optional<std::chrono::system_clock::time_point> parse_iso8601(std::string_view text);
// ETags arrive quoted ("\"9b2cf535f27731c974343645a3985328\""); we keep them bare.
std::string unquote_etag(std::string_view etag);

}  // namespace hivekeeper::s3
