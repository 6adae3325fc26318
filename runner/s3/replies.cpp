#include "s3/replies.h"

#include <charconv>
#include <cstdio>

#include <tinyxml2.h>

#include "common/error.h"

namespace hivekeeper::s3 {
namespace {

using tinyxml2::XMLElement;

[[noreturn]] void malformed_reply(std::string_view what, std::string_view detail) {
  throw job_failed(
      "S3ReplyMalformed",
      "the S3 server's " + std::string(what) + " reply cannot be read: " + std::string(detail),
      "check that spec.storage.s3.endpoint points at an S3 API (not a proxy's page)");
}

// Parses `xml` into `document` and returns its root, which must be named `root_name`.
const XMLElement& root_of(tinyxml2::XMLDocument& document, std::string_view xml,
                          const char* root_name) {
  if (document.Parse(xml.data(), xml.size()) != tinyxml2::XML_SUCCESS) {
    malformed_reply(root_name, std::string("not well-formed XML (") + document.ErrorStr() + ")");
  }
  const XMLElement* root = document.RootElement();
  if (root == nullptr || std::string_view(root->Name()) != root_name) {
    malformed_reply(root_name, std::string("the document's root is <") +
                                   (root ? root->Name() : "nothing") + ">");
  }
  return *root;
}

std::string text_of(const XMLElement* element) {
  if (element == nullptr || element->GetText() == nullptr) return {};
  return element->GetText();
}

std::string child_text(const XMLElement& parent, const char* name) {
  return text_of(parent.FirstChildElement(name));
}

std::string required_child(const XMLElement& parent, const char* name, std::string_view what) {
  const XMLElement* child = parent.FirstChildElement(name);
  if (child == nullptr) malformed_reply(what, std::string("no <") + name + ">");
  return text_of(child);
}

bool truncated_flag(const XMLElement& root, std::string_view what) {
  const std::string flag = child_text(root, "IsTruncated");
  if (flag.empty() || flag == "false") return false;
  if (flag == "true") return true;
  malformed_reply(what, "IsTruncated is \"" + flag + "\"");
}

std::chrono::system_clock::time_point required_time(const XMLElement& parent, const char* name,
                                                    std::string_view what) {
  const std::string text = required_child(parent, name, what);
  const auto time = parse_iso8601(text);
  if (!time) malformed_reply(what, std::string(name) + " \"" + text + "\" is not a time");
  return *time;
}

ObjectInfo object_of(const XMLElement& contents) {
  constexpr std::string_view what = "ListObjectsV2";
  ObjectInfo object;
  object.key = required_child(contents, "Key", what);
  if (object.key.empty()) malformed_reply(what, "an empty <Key>");
  const std::string size = required_child(contents, "Size", what);
  const auto [end, status] = std::from_chars(size.data(), size.data() + size.size(), object.size);
  if (status != std::errc() || end != size.data() + size.size() || size.empty()) {
    malformed_reply(what, "Size \"" + size + "\" of " + object.key + " is not a byte count");
  }
  object.etag = unquote_etag(child_text(contents, "ETag"));
  object.last_modified = required_time(contents, "LastModified", what);
  return object;
}

std::string xml_escaped(std::string_view text) {
  std::string escaped;
  for (const char c : text) {
    switch (c) {
      case '&':
        escaped += "&amp;";
        break;
      case '<':
        escaped += "&lt;";
        break;
      case '>':
        escaped += "&gt;";
        break;
      case '"':
        escaped += "&quot;";
        break;
      case '\'':
        escaped += "&apos;";
        break;
      default:
        escaped += c;
    }
  }
  return escaped;
}

}  // namespace

ObjectPage parse_list_objects(std::string_view xml) {
  tinyxml2::XMLDocument document;
  const XMLElement& root = root_of(document, xml, "ListBucketResult");
  ObjectPage page;
  for (const XMLElement* contents = root.FirstChildElement("Contents"); contents != nullptr;
       contents = contents->NextSiblingElement("Contents")) {
    page.objects.push_back(object_of(*contents));
  }
  page.truncated = truncated_flag(root, "ListObjectsV2");
  page.next_continuation_token = child_text(root, "NextContinuationToken");
  if (page.truncated && page.next_continuation_token.empty()) {
    malformed_reply("ListObjectsV2", "a truncated page without NextContinuationToken");
  }
  return page;
}

std::string parse_initiate_multipart(std::string_view xml) {
  tinyxml2::XMLDocument document;
  const XMLElement& root = root_of(document, xml, "InitiateMultipartUploadResult");
  std::string upload_id = child_text(root, "UploadId");
  if (upload_id.empty()) malformed_reply("CreateMultipartUpload", "no <UploadId>");
  return upload_id;
}

CompletedUpload parse_complete_multipart(std::string_view xml) {
  if (auto error = parse_error(xml)) return {.etag = {}, .error = std::move(error)};
  tinyxml2::XMLDocument document;
  const XMLElement& root = root_of(document, xml, "CompleteMultipartUploadResult");
  CompletedUpload completed;
  completed.etag = unquote_etag(child_text(root, "ETag"));
  return completed;
}

UploadPage parse_list_multipart_uploads(std::string_view xml) {
  constexpr std::string_view what = "ListMultipartUploads";
  tinyxml2::XMLDocument document;
  const XMLElement& root = root_of(document, xml, "ListMultipartUploadsResult");
  UploadPage page;
  for (const XMLElement* upload = root.FirstChildElement("Upload"); upload != nullptr;
       upload = upload->NextSiblingElement("Upload")) {
    PendingUpload pending;
    pending.key = required_child(*upload, "Key", what);
    pending.upload_id = required_child(*upload, "UploadId", what);
    if (pending.key.empty() || pending.upload_id.empty()) {
      malformed_reply(what, "an <Upload> without its Key or UploadId");
    }
    pending.initiated = required_time(*upload, "Initiated", what);
    page.uploads.push_back(std::move(pending));
  }
  page.truncated = truncated_flag(root, what);
  page.next_key_marker = child_text(root, "NextKeyMarker");
  page.next_upload_id_marker = child_text(root, "NextUploadIdMarker");
  if (page.truncated && page.next_key_marker.empty()) {
    malformed_reply(what, "a truncated page without NextKeyMarker");
  }
  return page;
}

std::optional<ServerError> parse_error(std::string_view xml) {
  tinyxml2::XMLDocument document;
  if (xml.empty() || document.Parse(xml.data(), xml.size()) != tinyxml2::XML_SUCCESS) {
    return std::nullopt;
  }
  const XMLElement* root = document.RootElement();
  if (root == nullptr || std::string_view(root->Name()) != "Error") return std::nullopt;
  ServerError error{.code = child_text(*root, "Code"), .message = child_text(*root, "Message")};
  if (error.code.empty()) error.code = "UnknownError";
  return error;
}

std::string complete_multipart_body(const std::vector<CompletedPart>& parts) {
  std::string body = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">";
  for (const CompletedPart& part : parts) {
    body += "<Part><PartNumber>" + std::to_string(part.number) + "</PartNumber><ETag>\"" +
            xml_escaped(part.etag) + "\"</ETag>";
    if (!part.checksum_sha256.empty()) {
      body += "<ChecksumSHA256>" + xml_escaped(part.checksum_sha256) + "</ChecksumSHA256>";
    }
    body += "</Part>";
  }
  return body + "</CompleteMultipartUpload>";
}

std::optional<std::chrono::system_clock::time_point> parse_iso8601(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS, then optional fractional seconds, then Z.
  if (text.size() < 20 || text.size() > 40 || text.back() != 'Z') return std::nullopt;
  const std::string copy(text);
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, consumed = 0;
  if (std::sscanf(copy.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &year, &month, &day, &hour, &minute,
                  &second, &consumed) != 6 ||
      consumed != 19) {
    return std::nullopt;
  }
  const std::string_view rest = text.substr(19, text.size() - 20);
  if (!rest.empty() && (rest[0] != '.' || rest.size() == 1 ||
                        rest.find_first_not_of("0123456789", 1) != std::string_view::npos)) {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year(year), std::chrono::month(month),
                                         std::chrono::day(day)};
  if (!date.ok() || hour > 23 || minute > 59 || second > 60 || hour < 0 || minute < 0 ||
      second < 0) {
    return std::nullopt;
  }
  return std::chrono::sys_days(date) + std::chrono::hours(hour) + std::chrono::minutes(minute) +
         std::chrono::seconds(second);
}

std::string unquote_etag(std::string_view etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    etag = etag.substr(1, etag.size() - 2);
  }
  return std::string(etag);
}

}  // namespace hivekeeper::s3
