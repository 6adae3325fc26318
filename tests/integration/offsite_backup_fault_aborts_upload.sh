# Faults while a backup streams to the bucket, from the fault proxy (s3_fault_proxy.py, a fake
# for the faults a real server cannot be made to produce) in front of the S3 server. Part 2 of an
# artifact's multipart upload:
#   1. fails on every try (500) mid-dump, keepLocal false: the job fails naming the upload; no
#      multipart upload is left open, and the bucket holds no object of the set, metadata included;
#   1b. fails on every try for the media archive, whose last part only goes at the commit, after
#      the dump's object was completed: the dump's object is deleted again, nothing is left;
#   2. loses its connection halfway once: the retry carries the set through, which verify passes
#      and whose dump `aws s3 cp` fetches with the metadata's sha256;
#   3. with keepLocal true (store/mirrored_store.cpp: each write goes to the local file, then to
#      the upload; the directory's set is committed first, then the bucket's):
#      a. failing mid-dump: the job fails, neither the directory nor the bucket keeps anything;
#      b. failing at the commit (the media's last part): the directory keeps its set, whole (verify
#         passes), the bucket nothing, and the job fails saying the off-site copy is missing.
#   4. (no fault) the bucket's listings answer slowly: the backup still succeeds (the store's
#      threads must not share one connection).
# The dump is some 23 MiB (5 parts of 5 MiB: part 2 fails before part 3 is sent, mid-dump), the
# media archive some 8 MiB (two parts, the second sent at the commit).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/hostile_media.bash"
setup_project
start_s3
start_s3_fault_proxy --fault fault-500-always=media-fails/beelab_prod_media_ \
  --fault fault-500-always=media-fails-local/beelab_prod_media_
S3_ENDPOINT=http://faults:8000
start_app
seed_database
seed_media
docker run --rm -v "$MEDIA_VOLUME:/m" "$WEB_IMAGE" bash -c 'head -c $((8 * 1024 * 1024)) /dev/urandom >/m/uploads/scans/2026/big-scan.bin'
# Incompressible rows (hex digits): the dump is some 23 MiB compressed, 5 parts.
psql_app -c "CREATE SCHEMA bulk" -c "CREATE TABLE bulk.noise AS SELECT n, md5(random()::text) || md5(random()::text) AS hex
  FROM generate_series(1, 700000) n" >/dev/null
JOB_RUN_OPTIONS=("${S3_JOB_ENV[@]}")

open_uploads() {
  aws_s3 s3api list-multipart-uploads --bucket "$S3_BUCKET" | jq '.Uploads // [] | length'
}
objects_under() { # prefix
  aws_s3 s3 ls --recursive "s3://$S3_BUCKET/$1" || true
}
failed_message() { # status-file
  status_field "$1" '.status.conditions[]? | select(.type == "Failed") | .message'
}
# A failed backup to PREFIX: exit 1, Failed with S3RequestFailed, nothing open or stored there.
assert_failed_leaving_nothing_in_bucket() { # name prefix
  local status=$BACKUPS/status/$1.json
  assert_eq 1 "$(job_exit)" "exit code of $1"
  assert_eq Failed "$(status_field "$status" .status.phase)" "phase of $1"
  assert_eq S3RequestFailed "$(failed_reason "$status")" "Failed reason of $1"
  assert_eq 0 "$(open_uploads)" "multipart uploads left open by $1"
  assert_eq "" "$(objects_under "$2")" "objects under $2 after $1"
}

# 1. Part 2 of the dump fails on every try.
offsite_backup_manifest always-fails fault-500-always/ false
run_job run -f /manifests/always-fails.yaml
assert_failed_leaving_nothing_in_bucket always-fails fault-500-always/
message=$(failed_message "$BACKUPS/status/always-fails.json")
[[ $message == *"S3 UploadPart 2 of s3://$S3_BUCKET/fault-500-always/beelab_prod_db_app_"*".sql.gz failed after 5 tries: HTTP 500 InternalError"* ]] ||
  fail "the Failed message does not name the dump's upload and part: $message"
assert_contains "$WORK/stdout" "BackupJob always-fails Failed"
proxy_events >"$WORK/events"
assert_eq 5 "$(grep -c 'fault-500-always/beelab_prod_db_app_.* part 2 try [1-5]: answered 500' "$WORK/events")" \
  "tries of part 2 the proxy failed"
grep -q 'fault-500-always/beelab_prod_db_app_.* part 3 ' "$WORK/events" &&
  fail "part 3 was sent although part 2 had failed for good: $(grep 'fault-500-always/' "$WORK/events")"
assert_eq "" "$(backup_files)" "files in the directory (keepLocal false)"
assert_eq "" "$(partial_files)" "partial files in the directory"

# 1b. The media archive's last part fails at the commit, after the dump's object was completed.
offsite_backup_manifest media-fails media-fails/ false
run_job run -f /manifests/media-fails.yaml
assert_failed_leaving_nothing_in_bucket media-fails media-fails/
message=$(failed_message "$BACKUPS/status/media-fails.json")
[[ $message == *"UploadPart 2 of s3://$S3_BUCKET/media-fails/beelab_prod_media_"* ]] ||
  fail "the Failed message does not name the media's upload: $message"
compose logs s3 >"$WORK/s3.log" 2>&1
grep -q '"POST /hk-backups/media-fails/beelab_prod_db_app_[^ ]*?uploadId=[^ ]* HTTP/1.1" 200' "$WORK/s3.log" ||
  fail "the dump's upload was never completed, so its removal was not tested: $(grep media-fails/ "$WORK/s3.log" | tail -5)"
grep -q '"DELETE /hk-backups/media-fails/beelab_prod_db_app_[^ ?]* HTTP/1.1" 204' "$WORK/s3.log" ||
  fail "the dump's completed object was not deleted: $(grep media-fails/ "$WORK/s3.log" | tail -5)"
assert_eq "" "$(backup_files)" "files in the directory (keepLocal false)"

# 2. The connection drops halfway through part 2 (of the dump and of the media) once.
offsite_backup_manifest drop-once fault-drop-once/ false
run_job run -f /manifests/drop-once.yaml
assert_eq 0 "$(job_exit)" "exit code with a connection dropped once"
proxy_events >"$WORK/events"
for artifact in db_app media; do
  grep -q "fault-drop-once/beelab_prod_${artifact}_.* part 2 try 1: dropped the connection" "$WORK/events" ||
    fail "the proxy never dropped part 2 of the $artifact: $(grep fault-drop-once/ "$WORK/events")"
  grep -q "fault-drop-once/beelab_prod_${artifact}_.* part 2 try 2: passed through; upstream answered 200" "$WORK/events" ||
    fail "part 2 of the $artifact was not sent again: $(grep fault-drop-once/ "$WORK/events")"
done
assert_eq 0 "$(open_uploads)" "multipart uploads left open"
objects_under fault-drop-once/ >"$WORK/listing"
assert_eq 3 "$(grep -c ' fault-drop-once/beelab_prod_' "$WORK/listing")" "objects of the set (dump, media, metadata)"
metadata=$(grep -o 'beelab_prod_[0-9_-]*\.json' "$WORK/listing")
dump=$(grep -o 'beelab_prod_db_app_[0-9_-]*\.sql\.gz' "$WORK/listing")
aws_s3 s3 cp "s3://$S3_BUCKET/fault-drop-once/$metadata" - >"$WORK/metadata.json"
aws_s3 s3 cp "s3://$S3_BUCKET/fault-drop-once/$dump" - >"$WORK/dump.sql.gz"
assert_eq "$(jq -r --arg f "$dump" '.artifacts[] | select(.file == $f) | .sha256' "$WORK/metadata.json")" \
  "$(sha256sum <"$WORK/dump.sql.gz" | cut -d' ' -f1)" "sha256 of the dump aws s3 cp fetched"
size=$(stat -c %s "$WORK/dump.sql.gz")
[ "$size" -gt $((15 * 1024 * 1024)) ] || fail "the dump is $size bytes: too small for part 2 to fail mid-dump"
rows=$(gunzip -c "$WORK/dump.sql.gz" | sed -n '/^COPY bulk.noise /,/^\\\.$/p' | wc -l)
assert_eq $((700000 + 2)) "$rows" "lines of bulk.noise's COPY block in the fetched dump"
# verify reads the set back through the proxy: every sha256, the whole dump, the media archive.
run_job verify prod latest -f /manifests/drop-once.yaml
assert_eq 0 "$(job_exit)" "exit code of verify of the set the retry carried through"
assert_eq "" "$(backup_files)" "files in the directory (keepLocal false)"

# 3a. keepLocal true, the dump's part 2 failing mid-dump: neither place keeps anything.
offsite_backup_manifest local-always-fails fault-500-always-local/ true
run_job run -f /manifests/local-always-fails.yaml
assert_failed_leaving_nothing_in_bucket local-always-fails fault-500-always-local/
assert_eq "" "$(backup_files)" "files in the directory after a failure mid-dump (keepLocal true)"
assert_eq "" "$(partial_files)" "partial files in the directory (keepLocal true)"

# 3b. keepLocal true, the media's last part failing at the commit: the directory's set was
# committed first and stays, whole; the bucket's is taken back.
offsite_backup_manifest local-media-fails media-fails-local/ true
run_job run -f /manifests/local-media-fails.yaml
assert_failed_leaving_nothing_in_bucket local-media-fails media-fails-local/
message=$(failed_message "$BACKUPS/status/local-media-fails.json")
[[ $message == *"the set is whole in backups/django but has no copy in s3://$S3_BUCKET/media-fails-local"* ]] ||
  fail "the Failed message does not say the off-site copy is missing: $message"
backup_files >"$WORK/local"
assert_eq 3 "$(grep -c '^beelab_prod_' "$WORK/local")" "local files of the set (dump, media, metadata): $(cat "$WORK/local")"
assert_eq "" "$(partial_files)" "partial files in the directory (keepLocal true)"
run_job verify prod latest --prefix beelab
assert_eq 0 "$(job_exit)" "exit code of verify of the set kept in the directory"

# 4. Listings answered slowly: the media's thread and the dump's each create their artifact at the
# start, and each sizes its parts from a listing of the bucket; both listings are in flight at
# once. The store must not share one connection (s3::Client: one thread at a time) between them.
offsite_backup_manifest listing-held listing-held/ false
run_job run -f /manifests/listing-held.yaml
proxy_events >"$WORK/events"
assert_eq 0 "$(job_exit)" "exit code of a backup whose listings were slow (139: a crash); proxy: $(grep listing-held "$WORK/events" | head -5)"
assert_eq 3 "$(objects_under listing-held/ | grep -c ' listing-held/beelab_prod_')" "objects of the set (dump, media, metadata)"
echo "PASS $TEST_NAME"
