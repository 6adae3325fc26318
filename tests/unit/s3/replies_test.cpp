// s3/replies: every reply S3 sends us, read as S3 documents them, and hostile or broken replies
// refused with S3ReplyMalformed rather than read as empty or crashing.
#include "s3/replies.h"

#include <gtest/gtest.h>

#include "common/error.h"

namespace hivekeeper::s3 {
namespace {

constexpr const char* kListPage = R"(<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>hive-backups</Name><Prefix>prod/</Prefix><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys>
  <IsTruncated>true</IsTruncated>
  <Contents><Key>prod/a &amp; b.json</Key><LastModified>2026-11-30T08:15:02.000Z</LastModified>
    <ETag>&quot;9b2cf535f27731c974343645a3985328&quot;</ETag><Size>1234</Size>
    <StorageClass>STANDARD</StorageClass></Contents>
  <Contents><Key>prod/big.sql.gz</Key><LastModified>2026-11-30T08:16:00Z</LastModified>
    <ETag>"abc-5"</ETag><Size>26214400</Size></Contents>
  <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
</ListBucketResult>)";

std::string reason_of(const std::function<void()>& parse) {
  try {
    parse();
  } catch (const Error& error) {
    return error.reason();
  }
  return "no error";
}

TEST(S3Replies, ReadsAListObjectsV2Page) {
  const ObjectPage page = parse_list_objects(kListPage);
  ASSERT_EQ(page.objects.size(), 2U);
  EXPECT_EQ(page.objects[0].key, "prod/a & b.json");
  EXPECT_EQ(page.objects[0].size, 1234U);
  EXPECT_EQ(page.objects[0].etag, "9b2cf535f27731c974343645a3985328");
  EXPECT_EQ(std::chrono::system_clock::to_time_t(page.objects[0].last_modified), 1796026502);
  EXPECT_EQ(page.objects[1].size, 26214400U);
  EXPECT_EQ(page.objects[1].etag, "abc-5");
  EXPECT_TRUE(page.truncated);
  EXPECT_EQ(page.next_continuation_token, "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=");
}

TEST(S3Replies, AnEmptyListingIsNoObjects) {
  const ObjectPage page = parse_list_objects(
      "<ListBucketResult><Name>b</Name><IsTruncated>false</IsTruncated></ListBucketResult>");
  EXPECT_TRUE(page.objects.empty());
  EXPECT_FALSE(page.truncated);
}

TEST(S3Replies, RefusesListingsThatAreNotWhatS3Sends) {
  const std::vector<std::string> hostile{
      "",
      "<html><body>502 Bad Gateway</body></html>",
      "<ListBucketResult><Contents><Key>a</Key><Size>1</Size>",  // cut short
      "<ListBucketResult><Contents><Size>1</Size><LastModified>2026-11-30T08:15:02Z"
      "</LastModified></Contents></ListBucketResult>",  // no key
      "<ListBucketResult><Contents><Key>a</Key><Size>-1</Size><LastModified>2026-11-30T08:15:02Z"
      "</LastModified></Contents></ListBucketResult>",
      "<ListBucketResult><Contents><Key>a</Key><Size>99999999999999999999999</Size><LastModified>"
      "2026-11-30T08:15:02Z</LastModified></Contents></ListBucketResult>",
      "<ListBucketResult><Contents><Key>a</Key><Size>12abc</Size><LastModified>2026-11-30T08:15:02Z"
      "</LastModified></Contents></ListBucketResult>",
      "<ListBucketResult><Contents><Key>a</Key><Size>1</Size><LastModified>yesterday"
      "</LastModified></Contents></ListBucketResult>",
      "<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>",  // no token
      "<ListBucketResult><IsTruncated>maybe</IsTruncated></ListBucketResult>",
      "<!DOCTYPE x [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]><ListBucketResult>"
      "<Contents><Key>&b;</Key></Contents></ListBucketResult>",
      std::string(2000, '<'),
      std::string("<ListBucketResult>\0</ListBucketResult>", 38),
  };
  for (const std::string& xml : hostile) {
    EXPECT_EQ(reason_of([&] { parse_list_objects(xml); }), "S3ReplyMalformed") << xml;
  }
}

TEST(S3Replies, DeepNestingIsRefusedNotAStackOverflow) {
  std::string deep = "<ListBucketResult>";
  for (int i = 0; i < 100000; ++i) deep += "<a>";
  EXPECT_EQ(reason_of([&] { parse_list_objects(deep); }), "S3ReplyMalformed");
}

TEST(S3Replies, ReadsTheUploadIdOfANewMultipartUpload) {
  EXPECT_EQ(parse_initiate_multipart(
                "<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><UploadId>"
                "VXBsb2FkIElE</UploadId></InitiateMultipartUploadResult>"),
            "VXBsb2FkIElE");
  EXPECT_EQ(reason_of([] { parse_initiate_multipart("<InitiateMultipartUploadResult/>"); }),
            "S3ReplyMalformed");
  EXPECT_EQ(reason_of([] { parse_initiate_multipart("<Other><UploadId>x</UploadId></Other>"); }),
            "S3ReplyMalformed");
}

TEST(S3Replies, CompleteMultipartUploadMayFailInsideA200Reply) {
  const CompletedUpload done = parse_complete_multipart(
      "<CompleteMultipartUploadResult><Location>http://x/b/k</Location><Bucket>b</Bucket>"
      "<Key>k</Key><ETag>\"3858f62230ac3c915f300c664312c11f-9\"</ETag>"
      "</CompleteMultipartUploadResult>");
  EXPECT_FALSE(done.error);
  EXPECT_EQ(done.etag, "3858f62230ac3c915f300c664312c11f-9");
  const CompletedUpload failed = parse_complete_multipart(
      "<?xml version=\"1.0\"?>\n<Error><Code>InternalError</Code><Message>We encountered an "
      "internal error. Please try again.</Message><RequestId>656c76696e6727732072657175657374"
      "</RequestId></Error>");
  ASSERT_TRUE(failed.error);
  EXPECT_EQ(failed.error->code, "InternalError");
  EXPECT_EQ(failed.error->message, "We encountered an internal error. Please try again.");
  EXPECT_EQ(reason_of([] { parse_complete_multipart("<CompleteMultipartUploadResult"); }),
            "S3ReplyMalformed");
}

TEST(S3Replies, ReadsPendingMultipartUploads) {
  const UploadPage page = parse_list_multipart_uploads(
      "<ListMultipartUploadsResult><Bucket>b</Bucket><NextKeyMarker>prod/b</NextKeyMarker>"
      "<NextUploadIdMarker>id-2</NextUploadIdMarker><IsTruncated>true</IsTruncated>"
      "<Upload><Key>prod/a</Key><UploadId>id-1</UploadId><Initiated>2026-11-30T08:00:00.000Z"
      "</Initiated></Upload><Upload><Key>prod/b</Key><UploadId>id-2</UploadId><Initiated>"
      "2026-11-30T08:00:01.000Z</Initiated></Upload></ListMultipartUploadsResult>");
  ASSERT_EQ(page.uploads.size(), 2U);
  EXPECT_EQ(page.uploads[1].key, "prod/b");
  EXPECT_EQ(page.uploads[1].upload_id, "id-2");
  EXPECT_TRUE(page.truncated);
  EXPECT_EQ(page.next_key_marker, "prod/b");
  EXPECT_EQ(page.next_upload_id_marker, "id-2");
  EXPECT_TRUE(parse_list_multipart_uploads("<ListMultipartUploadsResult/>").uploads.empty());
  EXPECT_EQ(reason_of([] {
              parse_list_multipart_uploads(
                  "<ListMultipartUploadsResult><Upload><Key>k</Key></Upload>"
                  "</ListMultipartUploadsResult>");
            }),
            "S3ReplyMalformed");
}

TEST(S3Replies, ReadsErrorDocumentsAndNothingElse) {
  const auto error = parse_error(
      "<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message>"
      "<BucketName>nope</BucketName></Error>");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, "NoSuchBucket");
  EXPECT_EQ(error->message, "The specified bucket does not exist");
  EXPECT_EQ(parse_error("<Error></Error>")->code, "UnknownError");
  EXPECT_FALSE(parse_error(""));
  EXPECT_FALSE(parse_error("<html>Bad Gateway</html>"));
  EXPECT_FALSE(parse_error("<Error><Code>x</Code>"));
  EXPECT_FALSE(parse_error(kListPage));
}

TEST(S3Replies, CompleteBodyListsEveryPartEscaped) {
  const std::string body =
      complete_multipart_body({{.number = 1, .etag = "aa", .checksum_sha256 = "c2hh"},
                               {.number = 2, .etag = "b<&>", .checksum_sha256 = ""}});
  EXPECT_EQ(body,
            "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            "<Part><PartNumber>1</PartNumber><ETag>\"aa\"</ETag><ChecksumSHA256>c2hh"
            "</ChecksumSHA256></Part><Part><PartNumber>2</PartNumber><ETag>\"b&lt;&amp;&gt;\""
            "</ETag></Part></CompleteMultipartUpload>");
}

TEST(S3Replies, TimesAreIso8601InUtc) {
  EXPECT_EQ(std::chrono::system_clock::to_time_t(*parse_iso8601("1970-01-01T00:00:00Z")), 0);
  EXPECT_EQ(std::chrono::system_clock::to_time_t(*parse_iso8601("2024-02-29T23:59:59.123Z")),
            1709251199);
  for (const char* bad :
       {"", "2026-11-30", "2026-11-30T08:15:02", "2026-02-30T08:15:02Z", "2026-11-30T25:00:00Z",
        "2026-11-30T08:15:02.Z", "2026-11-30T08:15:02+01Z", "2026-11-30 08:15:02Z",
        "abcd-ef-ghTij:kl:mnZ"}) {
    EXPECT_FALSE(parse_iso8601(bad)) << bad;
  }
}

}  // namespace
}  // namespace hivekeeper::s3
