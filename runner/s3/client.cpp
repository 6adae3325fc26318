// The S3 operations, each described as a Client::Request for the transport
// (s3/client_transport.cpp).
#include "s3/client.h"

#include <charconv>

#include <curl/curl.h>

#include "common/error.h"
#include "s3/client_request.h"
#include "s3/digests.h"

namespace hivekeeper::s3 {
namespace {

std::string query_value(std::string_view value) {
  return percent_encode(value, false);
}

std::uint64_t content_length_of(const Client::Reply& reply) {
  const auto found = reply.headers.find("content-length");
  std::uint64_t length = 0;
  if (found != reply.headers.end()) {
    const std::string& text = found->second;
    std::from_chars(text.data(), text.data() + text.size(), length);
  }
  return length;
}

std::string header_of(const Client::Reply& reply, const std::string& name) {
  const auto found = reply.headers.find(name);
  return found == reply.headers.end() ? "" : found->second;
}

Client::Request request_for(std::string operation, std::string method, const std::string& key,
                            std::string full) {
  Client::Request request;
  request.operation = std::move(operation);
  request.method = std::move(method);
  request.key = key;
  request.full = std::move(full);
  return request;
}

// SSE-KMS (and SSE-C) make ETags that are not the body's MD5; AES256 and none keep it.
bool etag_is_md5(const BucketConfig& config) {
  return config.server_side_encryption != "aws:kms";
}

// Every entry of a paged listing, keys made relative to the configured prefix. FETCH gets the
// page after MARKERS (a query suffix, "" for the first page); MARKERS_OF says where the next page
// starts. A server that hands back the markers it was asked with would page forever: refused.
template <typename Page, typename Entry>
std::vector<Entry> every_page(const BucketConfig& config, const std::string& listing,
                              std::vector<Entry> Page::* entries,
                              const std::function<Page(const std::string& markers)>& fetch,
                              const std::function<std::string(const Page&)>& markers_of) {
  std::vector<Entry> all;
  std::string markers;
  for (;;) {
    Page page = fetch(markers);
    for (Entry& entry : page.*entries) {
      entry.key = relative_key(config, entry.key);
      if (!entry.key.empty()) all.push_back(std::move(entry));
    }
    if (!page.truncated) return all;
    std::string next = markers_of(page);
    if (next == markers)
      throw job_failed("S3ReplyMalformed", "S3 " + listing + " returned the same page twice",
                       "the server does not page listings correctly; report it");
    markers = std::move(next);
  }
}

}  // namespace

std::vector<std::string> Client::object_headers() const {
  std::vector<std::string> headers;
  if (!config_.storage_class.empty()) {
    headers.push_back("x-amz-storage-class: " + config_.storage_class);
  }
  if (!config_.server_side_encryption.empty()) {
    headers.push_back("x-amz-server-side-encryption: " + config_.server_side_encryption);
  }
  if (config_.server_side_encryption == "aws:kms" && !config_.kms_key_id.empty()) {
    headers.push_back("x-amz-server-side-encryption-aws-kms-key-id: " + config_.kms_key_id);
  }
  return headers;
}

void Client::put_object(const std::string& key, std::string_view body) {
  Request request = request_for("PutObject", "PUT", key, full_key(config_, key));
  request.body = body;
  send_with_digests(request, digests_of(body), object_headers());
}

void Client::put_object(const std::string& key, PartSpool& body) {
  Request request = request_for("PutObject", "PUT", key, full_key(config_, key));
  request.spooled_body = &body;
  send_with_digests(request, body.digests(), object_headers());
}

Client::Reply Client::send_with_digests(Request& request, const BodyDigests& digests,
                                        std::vector<std::string> headers) {
  request.body_sha256_hex = digests.sha256_hex;
  request.headers = std::move(headers);
  request.headers.push_back("Content-MD5: " + digests.md5_base64);
  request.headers.push_back("x-amz-checksum-sha256: " + digests.sha256_base64);
  if (etag_is_md5(config_)) request.expected_etag = digests.md5_hex;
  return send(request);
}

void Client::get_object(const std::string& key, const std::function<void(std::string_view)>& sink) {
  Request request = request_for("GetObject", "GET", key, full_key(config_, key));
  request.sink = &sink;
  send(request);
}

std::optional<ObjectInfo> Client::head_object(const std::string& key) {
  Request request = request_for("HeadObject", "HEAD", key, full_key(config_, key));
  request.not_found_is_an_answer = true;
  const Reply reply = send(request);
  if (reply.outcome.http_status == 404) return std::nullopt;
  ObjectInfo info{.key = key,
                  .size = content_length_of(reply),
                  .etag = unquote_etag(header_of(reply, "etag")),
                  .last_modified = {}};
  const time_t modified = curl_getdate(header_of(reply, "last-modified").c_str(), nullptr);
  if (modified > 0) info.last_modified = std::chrono::system_clock::from_time_t(modified);
  return info;
}

std::vector<ObjectInfo> Client::list_objects(const std::string& key_prefix) {
  const std::string prefix = full_key(config_, key_prefix);
  return every_page<ObjectPage>(
      config_, "ListObjectsV2 of s3://" + config_.bucket + "/" + prefix, &ObjectPage::objects,
      [&](const std::string& markers) {
        Request request = request_for("ListObjectsV2", "GET", key_prefix, "");
        request.query = "list-type=2&prefix=" + query_value(prefix) + markers;
        return parse_list_objects(send(request).body);
      },
      [](const ObjectPage& page) {
        return "&continuation-token=" + query_value(page.next_continuation_token);
      });
}

void Client::delete_object(const std::string& key) {
  send(request_for("DeleteObject", "DELETE", key, full_key(config_, key)));
}

std::vector<PendingUpload> Client::list_multipart_uploads(const std::string& key_prefix) {
  const std::string prefix = full_key(config_, key_prefix);
  return every_page<UploadPage>(
      config_, "ListMultipartUploads of s3://" + config_.bucket + "/" + prefix,
      &UploadPage::uploads,
      [&](const std::string& markers) {
        Request request = request_for("ListMultipartUploads", "GET", key_prefix, "");
        request.query = "uploads&prefix=" + query_value(prefix) + markers;
        return parse_list_multipart_uploads(send(request).body);
      },
      [](const UploadPage& page) {
        return "&key-marker=" + query_value(page.next_key_marker) +
               "&upload-id-marker=" + query_value(page.next_upload_id_marker);
      });
}

void Client::abort_multipart_upload(const std::string& key, const std::string& upload_id) {
  // 404 (NoSuchUpload): it is gone already, which is what aborting wants.
  Request request = request_for("AbortMultipartUpload", "DELETE", key, full_key(config_, key));
  request.query = "uploadId=" + query_value(upload_id);
  request.not_found_is_an_answer = true;
  send(request);
}

std::string Client::create_multipart_upload(const std::string& key) {
  Request request = request_for("CreateMultipartUpload", "POST", key, full_key(config_, key));
  request.query = "uploads";
  request.headers = object_headers();
  request.headers.push_back("x-amz-checksum-algorithm: SHA256");
  return parse_initiate_multipart(send(request).body);
}

CompletedPart Client::upload_part(const std::string& key, const std::string& upload_id, int number,
                                  std::string_view body) {
  Request request = part_request(key, upload_id, number);
  request.body = body;
  return send_part(request, number, digests_of(body));
}

CompletedPart Client::upload_part(const std::string& key, const std::string& upload_id, int number,
                                  PartSpool& body) {
  Request request = part_request(key, upload_id, number);
  request.spooled_body = &body;
  return send_part(request, number, body.digests());
}

CompletedPart Client::send_part(Request& request, int number, const BodyDigests& digests) {
  const Reply reply = send_with_digests(request, digests, {});
  return {.number = number,
          .etag = unquote_etag(header_of(reply, "etag")),
          .checksum_sha256 = digests.sha256_base64};
}

Client::Request Client::part_request(const std::string& key, const std::string& upload_id,
                                     int number) const {
  Request request =
      request_for("UploadPart " + std::to_string(number), "PUT", key, full_key(config_, key));
  request.query = "partNumber=" + std::to_string(number) + "&uploadId=" + query_value(upload_id);
  return request;
}

void Client::complete_multipart_upload(const std::string& key, const std::string& upload_id,
                                       const std::vector<CompletedPart>& parts) {
  const std::string body = complete_multipart_body(parts);
  // An <Error> inside the 200 reply is taken as that error (and retried when transient).
  Request request = request_for("CompleteMultipartUpload", "POST", key, full_key(config_, key));
  request.query = "uploadId=" + query_value(upload_id);
  request.body = body;
  const Reply reply = send(request);
  parse_complete_multipart(reply.body);
}

}  // namespace hivekeeper::s3
