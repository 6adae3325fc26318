# Prometheus metrics both ways, against the real things: Debian's Pushgateway (the project's
# service `pushgateway`, image hivekeeper-offsite) and promtool. A BackupJob with
# spec.metrics.pushgateway shows up in the Pushgateway's own /metrics with its last success,
# result, sizes and rows; a failed run afterwards says 0 with its reason and leaves the last
# success as it was; --metrics-file writes a file `promtool check metrics` accepts, which a failed
# run rewrites keeping the last success; a drill and a prune write theirs; verify and prune push
# theirs with --pushgateway; a Pushgateway that is down never fails the job; the chart's alert rules pass `promtool check rules` and fire (promtool
# test rules) when no backup succeeded for 26 h and when a drill failed.
source "$(dirname "$0")/lib.sh"
setup_project

promtool() { # ARGS: Debian's promtool, standard input passed on
  compose exec -T pushgateway promtool "$@"
}
# The value (an integer) of METRIC's sample in FILE whose labels contain every FRAGMENT; "" if none.
sample() { # file metric fragment...
  local file=$1 metric=$2
  shift 2
  local lines
  lines=$(grep "^$metric{" "$file" || true)
  for fragment in "$@"; do lines=$(grep -F -- "$fragment" <<<"$lines" || true); done
  [ -n "$lines" ] || return 0
  head -1 <<<"$lines" | awk '{printf "%.0f\n", $NF}'
}
epoch_of() { date -u -d "$1" +%s; }
stop_db() { compose stop db >/dev/null 2>&1; }
start_db() { compose up -d --wait db >/dev/null 2>&1 || fail "the database did not start again"; }

start_pushgateway
start_app
seed_database
seed_media
cat >"$WORK/manifests/pushed.yaml" <<'YAML'
apiVersion: hivekeeper.io/v1
kind: BackupJob
metadata: {name: pushed}
spec:
  environment: prod
  media: {enabled: true}
  metrics:
    pushgateway: {url: "http://pushgateway:9091"}
YAML

# 1. a successful backup's metrics in the Pushgateway
run_job run -f /manifests/pushed.yaml
assert_eq 0 "$(job_exit)" "exit code of the pushing backup"
status_file=$BACKUPS/status/pushed.json
assert_eq "true PUT" "$(jq -r '.status.metrics.pushgateway | "\(.pushed) \(.method)"' "$status_file")" "push in the status"
pushgateway_metrics >"$WORK/gateway-1.txt"
ours=(job=\"hivekeeper\" hivekeeper_job=\"pushed\" environment=\"prod\" kind=\"BackupJob\")
success=$(epoch_of "$(jq -r .status.completionTime "$status_file")")
assert_eq "$success" "$(sample "$WORK/gateway-1.txt" hivekeeper_last_success_timestamp_seconds "${ours[@]}")" "last success in the Pushgateway"
assert_eq "$(epoch_of "$(jq -r .status.startTime "$status_file")")" \
  "$(sample "$WORK/gateway-1.txt" hivekeeper_last_attempt_timestamp_seconds "${ours[@]}")" "last attempt in the Pushgateway"
assert_eq 1 "$(sample "$WORK/gateway-1.txt" hivekeeper_last_result "${ours[@]}" 'reason="BackupSucceeded"')" "last result"
for kind in database media metadata; do
  assert_eq "$(jq -r "[.status.artifacts[] | select(.kind == \"$kind\") | .bytes] | add" "$status_file")" \
    "$(sample "$WORK/gateway-1.txt" hivekeeper_artifact_bytes "${ours[@]}" "artifact=\"$kind\"")" "$kind bytes"
done
assert_eq "$(jq -r .status.database.rows "$status_file")" \
  "$(sample "$WORK/gateway-1.txt" hivekeeper_database_rows "${ours[@]}")" "rows in the Pushgateway"
[ "$(jq -r .status.database.rows "$status_file")" -gt 0 ] || fail "no rows in the backup's status"
[ -n "$(sample "$WORK/gateway-1.txt" hivekeeper_duration_seconds "${ours[@]}")" ] || fail "no duration pushed"
[ "$(sample "$WORK/gateway-1.txt" hivekeeper_peak_memory_bytes "${ours[@]}")" -gt 0 ] || fail "no peak memory pushed"

# 2. a failed backup afterwards: result 0 with its reason, the last success unchanged
stop_db
run_job run -f /manifests/pushed.yaml
assert_eq 1 "$(job_exit)" "exit code of the failing pushing backup"
assert_eq "true POST" "$(jq -r '.status.metrics.pushgateway | "\(.pushed) \(.method)"' "$status_file")" "failed run's push in the status"
pushgateway_metrics >"$WORK/gateway-2.txt"
assert_eq 0 "$(sample "$WORK/gateway-2.txt" hivekeeper_last_result "${ours[@]}" 'reason="DatabaseContainerNotRunning"')" "result after the failure"
assert_eq "" "$(sample "$WORK/gateway-2.txt" hivekeeper_last_result "${ours[@]}" 'reason="BackupSucceeded"')" "the old result replaced"
assert_eq "$success" "$(sample "$WORK/gateway-2.txt" hivekeeper_last_success_timestamp_seconds "${ours[@]}")" "last success kept after the failure"
[ "$(sample "$WORK/gateway-2.txt" hivekeeper_last_attempt_timestamp_seconds "${ours[@]}")" -ge "$success" ] ||
  fail "the last attempt did not move on"
start_db

# 3. --metrics-file: promtool accepts it; a failed run rewrites it keeping the last success
PROM=$BACKUPS/metrics/hivekeeper.prom
run_job backup prod --media --metrics-file backups/django/metrics/hivekeeper.prom
assert_eq 0 "$(job_exit)" "exit code of the backup with a metrics file"
promtool check metrics <"$PROM" >"$WORK/promtool" 2>&1 || fail "promtool check metrics: $(cat "$WORK/promtool")"
assert_eq 644 "$(stat -c %a "$PROM")" "metrics file mode (the collector runs as another user)"
ls -A "$BACKUPS/metrics" | grep -q partial && fail "a temporary file was left next to the metrics file"
mine=(hivekeeper_job=\"backup-prod\" environment=\"prod\" kind=\"BackupJob\")
file_success=$(epoch_of "$(jq -r .status.completionTime "$BACKUPS/status/backup-prod.json")")
assert_eq "$file_success" "$(sample "$PROM" hivekeeper_last_success_timestamp_seconds "${mine[@]}")" "last success in the file"
assert_eq 1 "$(sample "$PROM" hivekeeper_last_result "${mine[@]}")" "result in the file"
assert_contains "$PROM" "# TYPE hivekeeper_artifact_bytes gauge"
stop_db
run_job backup prod --media --metrics-file backups/django/metrics/hivekeeper.prom
assert_eq 1 "$(job_exit)" "exit code of the failing backup with a metrics file"
promtool check metrics <"$PROM" >"$WORK/promtool" 2>&1 || fail "promtool check metrics after the failure: $(cat "$WORK/promtool")"
assert_eq 0 "$(sample "$PROM" hivekeeper_last_result "${mine[@]}" 'reason="DatabaseContainerNotRunning"')" "result in the file after the failure"
assert_eq "$file_success" "$(sample "$PROM" hivekeeper_last_success_timestamp_seconds "${mine[@]}")" "last success kept in the file"
start_db

# 4. the Pushgateway down: the job succeeds, the status and the log say the push failed
compose stop pushgateway >/dev/null 2>&1
run_job run -f /manifests/pushed.yaml
assert_eq 0 "$(job_exit)" "exit code with the Pushgateway down"
assert_eq "Succeeded false" "$(jq -r '"\(.status.phase) \(.status.metrics.pushgateway.pushed)"' "$status_file")" "outcome with the Pushgateway down"
[ -n "$(jq -r '.status.metrics.pushgateway.error // ""' "$status_file")" ] || fail "no push error in the status"
assert_contains "$WORK/stderr" "could not push the metrics to the Pushgateway http://pushgateway:9091"
start_pushgateway

# 5. a drill's and a prune's metrics files
JOB_SERVICE=drill-job run_job drill prod latest --metrics-file backups/django/metrics/drill.prom
assert_eq 0 "$(job_exit)" "exit code of the drill"
DRILL=$BACKUPS/metrics/drill.prom
promtool check metrics <"$DRILL" >"$WORK/promtool" 2>&1 || fail "promtool check metrics (drill): $(cat "$WORK/promtool")"
drill=(hivekeeper_job=\"drill-prod\" kind=\"DrillJob\" environment=\"prod\")
assert_eq 1 "$(sample "$DRILL" hivekeeper_drill_passed "${drill[@]}")" "drill passed"
assert_eq "$(jq -r .status.timings.restoreSeconds "$BACKUPS/status/drill-prod.json")" \
  "$(grep '^hivekeeper_drill_restore_seconds{' "$DRILL" | awk '{print $NF}')" "drill restore time"
[ "$(sample "$DRILL" hivekeeper_database_rows "${drill[@]}")" -gt 0 ] || fail "no rows in the drill's metrics"
run_job prune prod --keep-last 1 --metrics-file backups/django/metrics/prune.prom --pushgateway http://pushgateway:9091
assert_eq 0 "$(job_exit)" "exit code of the prune"
PRUNE=$BACKUPS/metrics/prune.prom
promtool check metrics <"$PRUNE" >"$WORK/promtool" 2>&1 || fail "promtool check metrics (prune): $(cat "$WORK/promtool")"
pruned=$(jq -r '.status.pruned | length' "$BACKUPS/status/prune-prod.json")
[ "$pruned" -gt 0 ] || fail "the prune deleted nothing; the test needs it to"
assert_eq "$pruned" "$(sample "$PRUNE" hivekeeper_sets_pruned 'hivekeeper_job="prune-prod"' 'kind="Prune"')" "sets pruned"

# 5b. verify and prune, which read no manifest, push with --pushgateway, grouped as jobs are
run_job verify prod --pushgateway http://pushgateway:9091/
assert_eq 0 "$(job_exit)" "exit code of the pushing verify"
assert_contains "$WORK/stderr" "metrics pushed to the Pushgateway http://pushgateway:9091"
pushgateway_metrics >"$WORK/gateway-5.txt"
verified=(job=\"hivekeeper\" hivekeeper_job=\"verify-prod\" environment=\"prod\" kind=\"Verify\")
assert_eq 1 "$(sample "$WORK/gateway-5.txt" hivekeeper_verify_passed "${verified[@]}")" "verify passed in the Pushgateway"
assert_eq 1 "$(sample "$WORK/gateway-5.txt" hivekeeper_last_result "${verified[@]}")" "verify's result in the Pushgateway"
assert_eq "$(epoch_of "$(jq -r .status.completionTime "$BACKUPS/status/verify-prod.json")")" \
  "$(sample "$WORK/gateway-5.txt" hivekeeper_last_success_timestamp_seconds "${verified[@]}")" "verify's last success in the Pushgateway"
[ -n "$(sample "$WORK/gateway-5.txt" hivekeeper_duration_seconds "${verified[@]}")" ] || fail "no verify duration pushed"
prune_pushed=(job=\"hivekeeper\" hivekeeper_job=\"prune-prod\" environment=\"prod\" kind=\"Prune\")
assert_eq "$pruned" "$(sample "$WORK/gateway-5.txt" hivekeeper_sets_pruned "${prune_pushed[@]}")" "sets pruned in the Pushgateway"
assert_eq 1 "$(sample "$WORK/gateway-5.txt" hivekeeper_last_result "${prune_pushed[@]}")" "prune's result in the Pushgateway"

# 6. the chart's alert rules: valid, and they fire when they should
compose exec -T pushgateway mkdir -p /tmp/rules
compose exec -T pushgateway sh -c 'cat >/tmp/rules/hivekeeper.rules.yaml' <"$HK_ROOT/charts/hivekeeper/alerts/hivekeeper.rules.yaml"
promtool check rules /tmp/rules/hivekeeper.rules.yaml >"$WORK/promtool" 2>&1 || fail "promtool check rules: $(cat "$WORK/promtool")"
compose exec -T pushgateway sh -c 'cat >/tmp/rules/test.yaml' <<'YAML'
rule_files: [hivekeeper.rules.yaml]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      # succeeded at 0, then failed every minute after: the success is 27 h old at 27 h
      - series: 'hivekeeper_last_success_timestamp_seconds{hivekeeper_job="nightly",kind="BackupJob",environment="prod"}'
        values: '0x1700'
      - series: 'hivekeeper_last_result{hivekeeper_job="nightly",kind="BackupJob",environment="prod",reason="DatabaseContainerNotRunning"}'
        values: '0x1700'
      - series: 'hivekeeper_drill_passed{hivekeeper_job="drill-prod",kind="DrillJob",environment="prod"}'
        values: '1x120 0x1600'
    alert_rule_test:
      - eval_time: 25h
        alertname: HivekeeperNoRecentBackup
        exp_alerts: []
      - eval_time: 27h
        alertname: HivekeeperNoRecentBackup
        exp_alerts:
          - exp_labels: {severity: critical, hivekeeper_job: nightly, environment: prod}
            exp_annotations:
              summary: "No successful backup of prod (nightly) in 26 h"
              description: "The BackupJob nightly last succeeded 1d 3h 0m 0s ago (never, if that is decades). See its status file or `kubectl logs` of its last Job."
      - eval_time: 1h
        alertname: HivekeeperDrillFailed
        exp_alerts: []
      - eval_time: 3h
        alertname: HivekeeperDrillFailed
        exp_alerts:
          - exp_labels: {severity: critical, hivekeeper_job: drill-prod, environment: prod}
            exp_annotations:
              summary: "The restore drill drill-prod (prod) failed"
              description: "The latest backup set did not restore, or its checks failed: the backups may not be restorable. The drill's status file lists its problems."
      - eval_time: 3h
        alertname: HivekeeperBackupFailed
        exp_alerts:
          - exp_labels: {severity: warning, hivekeeper_job: nightly, environment: prod, reason: DatabaseContainerNotRunning}
            exp_annotations:
              summary: "The last backup nightly (prod) failed: DatabaseContainerNotRunning"
              description: "The next scheduled run may succeed; HivekeeperNoRecentBackup fires if none does for 26 h."
YAML
promtool test rules /tmp/rules/test.yaml >"$WORK/promtool" 2>&1 || fail "promtool test rules: $(cat "$WORK/promtool")"
echo "PASS $TEST_NAME"
