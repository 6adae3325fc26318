# SIGTERM while a backup streams to the bucket (a CronJob's deadline, `docker stop`): the job
# ends Failed/Interrupted, the multipart upload in flight is aborted (none is left open to be
# billed), and the bucket holds nothing of the set, so nothing there looks like a set.
source "$(dirname "$0")/lib.sh"
setup_project
start_s3
start_app
seed_database
seed_media
create_bulk_table 2000000
offsite_backup_manifest offsite-prod beelab/ false

compose run --rm -T "${S3_JOB_ENV[@]}" --name "$PROJECT-job" backup-job run -f /manifests/offsite-prod.yaml \
  >"$WORK/stdout" 2>"$WORK/stderr" &
job=$!
# The first part goes once 5 MiB of the dump are compressed; the signal comes after it started.
for _ in $(seq 1 300); do
  compose logs s3 2>/dev/null | grep -q 'partNumber=1&' && break
  sleep 0.1
done
compose logs s3 2>/dev/null | grep -q 'partNumber=1&' || fail "the backup never began a multipart upload"
docker kill --signal TERM "$PROJECT-job" >/dev/null
set +e
wait "$job"
code=$?
set -e

assert_eq 1 "$code" "exit code after SIGTERM"
assert_contains "$WORK/stdout" "BackupJob offsite-prod Failed: interrupted by SIGTERM"
status=$BACKUPS/status/offsite-prod.json
assert_eq Interrupted "$(status_field "$status" '.status.conditions[] | select(.type=="Failed") | .reason')" "Failed reason"
assert_eq 0 "$(aws_s3 s3api list-multipart-uploads --bucket "$S3_BUCKET" | jq '.Uploads // [] | length')" \
  "multipart uploads left open after SIGTERM"
assert_eq "" "$(aws_s3 s3 ls "s3://$S3_BUCKET/beelab/" || true)" "objects in the bucket after SIGTERM"
assert_no_backup_left
echo "PASS $TEST_NAME"
