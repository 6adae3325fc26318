# SIGTERM in the middle of a backup (a CronJob's deadline, a drained node, docker stop) still
# reports: the failure notification, reason Interrupted, reaches a real receiver, and a real
# Pushgateway gets the failed result, POSTed so that no last success appears for a job that never
# had one. A receiver and a Pushgateway that take the request and never answer, and a webhook
# where nothing listens, do not hold the exit up: the job ends within seconds of the signal, its
# status saying what was not delivered.
source "$(dirname "$0")/lib.sh"
setup_project
start_webhook_receiver
start_pushgateway
start_app
seed_database
seed_media

backup_manifest() { # name pushgateway-url, then the notify list on standard input (as under notify:)
  {
    cat <<YAML
apiVersion: hivekeeper.io/v1
kind: BackupJob
metadata: {name: $1}
spec:
  environment: prod
  media: {enabled: true}
  metrics:
    pushgateway: {url: "$2"}
  notify:
YAML
    cat
  } >"$WORK/manifests/$1.yaml"
}

# Runs manifest NAME while a lock holds pg_dump back, sends SIGTERM once the job writes its
# partial files, and records the exit code in $WORK/exit and the seconds from the signal to the
# end of `compose run` (the container removed) in $WORK/seconds.
backup_interrupted() { # name
  compose exec -T db psql -U app app -c "BEGIN; LOCK TABLE beefont_glyph IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(120);" >/dev/null 2>&1 &
  local locker=$! job signalled ended
  sleep 1
  compose run --rm -T --name "$PROJECT-job" backup-job run -f "/manifests/$1.yaml" >"$WORK/stdout" 2>"$WORK/stderr" &
  job=$!
  for _ in $(seq 1 100); do
    [ -n "$(find "$BACKUPS" -maxdepth 1 -name '.*.partial-*')" ] && break
    sleep 0.1
  done
  [ -n "$(find "$BACKUPS" -maxdepth 1 -name '.*.partial-*')" ] || fail "the job $1 never started writing"
  sleep 1
  signalled=$(date +%s.%N)
  docker kill --signal TERM "$PROJECT-job" >/dev/null
  set +e
  wait "$job"
  echo $? >"$WORK/exit"
  set -e
  ended=$(date +%s.%N)
  awk -v from="$signalled" -v to="$ended" 'BEGIN { printf "%.1f\n", to - from }' >"$WORK/seconds"
  kill "$locker" 2>/dev/null || true
  psql_app -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(120)%' AND pid <> pg_backend_pid()" >/dev/null
}
seconds_below() { awk -v seconds="$(cat "$WORK/seconds")" -v bound="$1" 'BEGIN { exit !(seconds < bound) }'; }

# 1. reachable: the failure reaches the receiver and the Pushgateway
backup_manifest told http://pushgateway:9091 <<'YAML'
    - url: http://receiver:8080/hooks/plain
YAML
seen=$(receiver_requests_seen)
backup_interrupted told
assert_eq 1 "$(cat "$WORK/exit")" "exit code after SIGTERM"
assert_contains "$WORK/stdout" "BackupJob told Failed: interrupted by SIGTERM"
seconds_below 10 || fail "the reporting job took $(cat "$WORK/seconds") s to exit after SIGTERM"
echo "exit $(cat "$WORK/seconds") s after SIGTERM with the failure reported"
status_file=$BACKUPS/status/told.json
assert_eq "Failed Interrupted" "$(jq -r '"\(.status.phase) \(.status.conditions[] | select(.type == "Failed") | .reason)"' "$status_file")" "status after SIGTERM"
receiver_requests_since "$seen" >"$WORK/told.jsonl"
assert_eq 1 "$(wc -l <"$WORK/told.jsonl")" "requests the receiver got (the failure alone)"
failure=$(jq -c '.body | fromjson' "$WORK/told.jsonl")
assert_eq "failure Failed Interrupted told" "$(jq -r '"\(.event) \(.phase) \(.reason) \(.job.name)"' <<<"$failure")" "failure payload"
[[ $(jq -r .message <<<"$failure") == "interrupted by SIGTERM"* ]] || fail "failure message: $(jq -r .message <<<"$failure")"
assert_eq "failure true 1" "$(jq -r '.status.notifications[] | "\(.event) \(.delivered) \(.attempts)"' "$status_file")" "delivery in the status"
assert_eq "true POST" "$(jq -r '.status.metrics.pushgateway | "\(.pushed) \(.method)"' "$status_file")" "push in the status"
jq -e '.status.durationSeconds | numbers' "$status_file" >/dev/null || fail "no durationSeconds in the status"
pushgateway_metrics >"$WORK/gateway.txt"
ours='job="hivekeeper",hivekeeper_job="told",environment="prod",kind="BackupJob"'
grep -F "hivekeeper_last_result{" "$WORK/gateway.txt" | grep -F 'hivekeeper_job="told"' >"$WORK/result.txt" || true
assert_eq 1 "$(wc -l <"$WORK/result.txt")" "last result samples of the job in the Pushgateway"
for label in job=\"hivekeeper\" environment=\"prod\" kind=\"BackupJob\" reason=\"Interrupted\"; do
  assert_contains "$WORK/result.txt" "$label"
done
assert_eq 0 "$(awk '{print $NF}' "$WORK/result.txt")" "last result in the Pushgateway"
! grep -F "hivekeeper_last_success_timestamp_seconds{" "$WORK/gateway.txt" | grep -qF 'hivekeeper_job="told"' ||
  fail "a last success was pushed for a job that never succeeded: $(grep -F hivekeeper_last_success "$WORK/gateway.txt")"
grep -F "hivekeeper_duration_seconds{" "$WORK/gateway.txt" | grep -qF 'hivekeeper_job="told"' || fail "no duration pushed"
assert_no_backup_left

# 2. a webhook where nothing listens, then a receiver and a Pushgateway that never answer: the
# job still exits promptly, and the status says none was told
backup_manifest silenced http://receiver:8080/slow/gateway <<'YAML'
    - url: http://receiver:9/hooks/nobody-listens
    - url: http://receiver:8080/slow/hooks/plain
YAML
seen=$(receiver_requests_seen)
backup_interrupted silenced
assert_eq 1 "$(cat "$WORK/exit")" "exit code after SIGTERM with silent receivers"
seconds_below 10 || fail "the job took $(cat "$WORK/seconds") s to exit after SIGTERM with silent receivers"
echo "exit $(cat "$WORK/seconds") s after SIGTERM with receivers that never answer"
status_file=$BACKUPS/status/silenced.json
assert_eq "Failed Interrupted" "$(jq -r '"\(.status.phase) \(.status.conditions[] | select(.type == "Failed") | .reason)"' "$status_file")" "status with silent receivers"
assert_eq "failure false 1, failure false 1" \
  "$(jq -r '[.status.notifications[] | "\(.event) \(.delivered) \(.attempts)"] | join(", ")' "$status_file")" "deliveries recorded"
[ "$(jq -r '[.status.notifications[] | select(.error == null or .error == "")] | length' "$status_file")" == 0 ] ||
  fail "an undelivered notification without its error: $(jq -c .status.notifications "$status_file")"
assert_eq "false POST 1" "$(jq -r '.status.metrics.pushgateway | "\(.pushed) \(.method) \(.attempts)"' "$status_file")" "push recorded"
[ -n "$(jq -r '.status.metrics.pushgateway.error // ""' "$status_file")" ] || fail "no push error in the status"
# The silent ones did get the requests: the job tried, and gave up on them.
receiver_requests_since "$seen" >"$WORK/silenced.jsonl"
assert_eq "POST /slow/gateway/metrics/job/hivekeeper/hivekeeper_job/silenced/environment/prod
POST /slow/hooks/plain" "$(jq -r '"\(.method) \(.path)"' "$WORK/silenced.jsonl" | sort)" "requests the silent receiver took"
assert_eq "failure Interrupted" "$(grep -F /slow/hooks/ "$WORK/silenced.jsonl" | jq -r '.body | fromjson | "\(.event) \(.reason)"')" "payload the silent receiver took"
assert_no_backup_left
echo "PASS $TEST_NAME"
