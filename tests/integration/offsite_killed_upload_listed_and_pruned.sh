# A backup to the bucket killed outright (SIGKILL: the OOM killer, a lost node) after its dump's
# first part was uploaded runs no cleanup: its multipart upload stays open, billed, and no object
# of the set exists. `list` (with the manifest's bucket) names it on stderr as unfinished; `prune`
# by the manifest's retention policy leaves it alone while it is younger than the grace (1 hour by
# default: it might be a running backup's); `prune --upload-grace 0h` aborts it. The next backup
# succeeds, and nothing the killed job had is left in the local directory.
# The jobs reach the bucket through the fault proxy (s3_fault_proxy.py) with --true-initiated and
# no fault: moto dates every upload 2010-11-10, the proxy puts the real time in, as S3 would.
source "$(dirname "$0")/lib.sh"
setup_project
start_s3
start_s3_fault_proxy --true-initiated
S3_ENDPOINT=http://faults:8000
start_app
seed_database
seed_media
# Incompressible rows (hex digits): a dump of some 23 MiB, so the job is mid-upload for seconds
# once part 1 (5 MiB) is in.
psql_app -c "CREATE SCHEMA bulk" -c "CREATE TABLE bulk.noise AS SELECT n, md5(random()::text) || md5(random()::text) AS hex
  FROM generate_series(1, 700000) n" >/dev/null
offsite_backup_manifest offsite-prod beelab/ false "  retention: {keepLast: 5}"
JOB_RUN_OPTIONS=("${S3_JOB_ENV[@]}")

open_uploads() { # the keys of the multipart uploads open in the bucket, one a line
  aws_s3 s3api list-multipart-uploads --bucket "$S3_BUCKET" | jq -r '.Uploads // [] | .[].Key'
}
local_leftovers() { # a job's working files in the directory (the lock file stays by design)
  find "$BACKUPS" -maxdepth 1 \( -name '.hivekeeper-*' -o -name '.*.partial-*' -o -name .hivekeeper.journal \) -printf '%f\n'
}

compose run --rm -T "${S3_JOB_ENV[@]}" --name "$PROJECT-job" backup-job run -f /manifests/offsite-prod.yaml \
  >"$WORK/killed.stdout" 2>"$WORK/killed.stderr" &
job=$!
# moto logs a request once it has answered it: part 1 of the dump is in.
for _ in $(seq 1 300); do
  compose logs s3 2>/dev/null | grep -q 'beelab_prod_db_app_[^ ]*?partNumber=1&[^ ]* HTTP/1.1" 200' && break
  sleep 0.1
done
compose logs s3 2>/dev/null | grep -q 'beelab_prod_db_app_[^ ]*?partNumber=1&[^ ]* HTTP/1.1" 200' ||
  fail "the backup never uploaded part 1 of its dump: $(tail -3 "$WORK/killed.stderr")"
docker kill --signal KILL "$PROJECT-job" >/dev/null
set +e
wait "$job"
code=$?
set -e
assert_eq 137 "$code" "exit code of the killed backup"
open_uploads >"$WORK/uploads"
assert_eq 1 "$(grep -c '^beelab/beelab_prod_db_app_[0-9_-]*\.sql\.gz$' "$WORK/uploads")" "open uploads of the killed dump: $(cat "$WORK/uploads")"
dump=$(sed 's|^beelab/||' "$WORK/uploads")
assert_eq "" "$(aws_s3 s3 ls --recursive "s3://$S3_BUCKET/" || true)" "objects in the bucket after the kill"
echo "left by the kill: upload of $dump; in the directory: [$(local_leftovers | xargs)]"

# list names the upload on stderr, and lists no set.
run_job list prod -f /manifests/offsite-prod.yaml
assert_eq 0 "$(job_exit)" "exit code of list"
assert_contains "$WORK/stderr" "unfinished upload of $dump (started "
started=$(sed -n "s/.*unfinished upload of $dump (started \([^,]*\),.*/\1/p" "$WORK/stderr")
age=$(($(date -u +%s) - $(date -u -d "$started" +%s)))
[ "$age" -ge 0 ] && [ "$age" -lt 600 ] || fail "list says the upload started $started, $age s ago"
! grep -q beelab_prod_ "$WORK/stdout" || fail "list shows a set of the killed backup: $(cat "$WORK/stdout")"

# prune by the manifest's policy: the upload is minutes old, so it may be a running backup's.
run_job prune prod -f /manifests/offsite-prod.yaml -o json
assert_eq 0 "$(job_exit)" "exit code of prune"
assert_eq '[]' "$(jq -c .abortedUploads "$WORK/stdout")" "uploads prune aborted within the grace"
assert_eq "beelab/$dump" "$(open_uploads)" "open uploads after prune within the grace"
# The first job on the directory after the kill marked the killed one's status.
status=$BACKUPS/status/offsite-prod.json
assert_eq Failed "$(status_field "$status" .status.phase)" "the killed backup's phase"
assert_eq Killed "$(status_field "$status" '.status.conditions[]? | select(.type == "Failed") | .reason')" "the killed backup's Failed reason"
assert_eq "" "$(local_leftovers)" "the killed job's files in the directory after list and prune"

# With no grace, prune aborts it. (Exit 2 here: the runner lacks --upload-grace.)
run_job prune prod -f /manifests/offsite-prod.yaml --upload-grace 0h -o json
assert_eq 0 "$(job_exit)" "exit code of prune --upload-grace 0h (2: the runner lacks --upload-grace; $(head -c 300 "$WORK/stderr"))"
assert_eq "[\"$dump\"]" "$(jq -c .abortedUploads "$WORK/stdout")" "uploads prune --upload-grace 0h aborted"
assert_eq "" "$(open_uploads)" "open uploads after prune --upload-grace 0h"
run_job list prod -f /manifests/offsite-prod.yaml
assert_eq 0 "$(job_exit)" "exit code of list after the abort"
! grep -q "unfinished upload" "$WORK/stderr" || fail "list still names an unfinished upload: $(cat "$WORK/stderr")"

# The next backup succeeds; the bucket holds its set only, the directory nothing of either job.
run_job run -f /manifests/offsite-prod.yaml
assert_eq 0 "$(job_exit)" "exit code of the backup after the kill"
assert_eq Succeeded "$(status_field "$status" .status.phase)" "phase of the backup after the kill"
aws_s3 s3 ls --recursive "s3://$S3_BUCKET/" >"$WORK/listing"
assert_eq 3 "$(grep -c ' beelab/beelab_prod_' "$WORK/listing")" "objects in the bucket (dump, media, metadata): $(cat "$WORK/listing")"
grep -q "${dump%.sql.gz}" "$WORK/listing" && fail "an object of the killed backup's timestamp exists"
assert_eq "" "$(open_uploads)" "open uploads after the next backup"
assert_eq "" "$(local_leftovers)" "job files in the directory after the next backup"
assert_eq "" "$(backup_files)" "backup files in the directory (keepLocal false)"
echo "PASS $TEST_NAME"
