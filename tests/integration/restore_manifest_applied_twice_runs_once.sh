# GitOps-safe restores: Argo CD hooks and Flux re-create a restore Job on every sync, so the same
# RestoreJob manifest is applied again and again. Once it has succeeded, a repeat exits 0, says
# when it was done and touches nothing (it even passes with the database stopped): the data
# changed since stays. Labels and other annotations do not count; a new value of the annotation
# hivekeeper.io/restore-id, or a changed spec, runs it again. Two runs of one manifest started
# together restore once (the second waits for the lock, then finds the record). The `restore`
# command always runs. A failed restore leaves no record, so the next apply runs it again.
source "$(dirname "$0")/lib.sh"
setup_project
start_app_with_a_backup
original_db=$(database_fingerprint)
dump=$(cd "$BACKUPS" && ls ./*_prod_db_app_*.sql.gz | xargs -n1 basename)
record=$BACKUPS/restores/restore-once.json
status=$BACKUPS/status/restore-once.json

write_manifest() { # restore-id reset [label-value annotation-line]: the last two never count
  cat >"$WORK/manifests/restore-once.yaml" <<YAML
apiVersion: hivekeeper.io/v1
kind: RestoreJob
metadata:
  name: restore-once
  labels: {app.kubernetes.io/name: hivekeeper, round: "${3:-first}"}
  annotations:
    hivekeeper.io/restore-id: "$1"
    ${4:-note: applied by the suite}
spec:
  environment: prod
  source: {database: latest}
  reset: $2
YAML
}

change_data() { # a mark no backup holds
  psql_app -c "UPDATE auth_user SET username = username || '-$1'" >/dev/null
  local changed
  changed=$(database_fingerprint)
  [ "$changed" != "$original_db" ] || fail "changing the data ($1) did not change the database"
  echo "$changed"
}

safety_backups() { find "$BACKUPS" -maxdepth 1 -name '*_pre-restore_db_*.sql.gz' | wc -l; }

complete_reason() { jq -r '.status.conditions[] | select(.type == "Complete") | .reason' "$status"; }

assert_restored() { # what
  assert_eq 0 "$(job_exit)" "exit code of $1"
  assert_contains "$WORK/stdout" "RestoreJob restore-once Succeeded"
  assert_contains "$WORK/stdout" "(completed in"
  assert_eq RestoreSucceeded "$(complete_reason)" "reason of $1"
  assert_eq "$original_db" "$(database_fingerprint)" "database after $1"
}

assert_skipped() { # what expected-database
  assert_eq 0 "$(job_exit)" "exit code of $1"
  assert_contains "$WORK/stdout" "RestoreJob restore-once Succeeded"
  assert_contains "$WORK/stdout" "already restored at $(jq -r .completionTime "$record")"
  assert_contains "$WORK/stdout" "(record backups/django/restores/restore-once.json); change the spec or the annotation hivekeeper.io/restore-id to run it again"
  assert_contains "$WORK/stderr" "already restored at"
  assert_eq Succeeded "$(status_field "$status" .status.phase)" "phase of $1"
  assert_eq AlreadyRestored "$(complete_reason)" "reason of $1"
  assert_eq "$(jq -r .specHash "$record")" "$(status_field "$status" .status.alreadyRestored.specHash)" "record echoed in the status of $1"
  assert_eq "$2" "$(database_fingerprint)" "database after $1 (it must not be restored over)"
}

# 1. The first apply restores, and records it.
changed=$(change_data first)
write_manifest 1 false
run_restore run -f /manifests/restore-once.yaml
assert_restored "the first apply"
[ -f "$record" ] || fail "no record $record after a successful restore"
assert_eq 600 "$(stat -c %a "$record")" "mode of the record"
assert_eq RestoreRecord "$(jq -r .kind "$record")" "kind of the record"
assert_eq restore-once "$(jq -r .name "$record")" "name in the record"
assert_eq 1 "$(jq -r .restoreId "$record")" "restoreId in the record"
assert_eq "$dump" "$(basename "$(jq -r .database "$record")")" "database file in the record"
assert_eq null "$(jq -r .media "$record")" "media in the record"
assert_eq backups/django/status/restore-once.json "$(jq -r .statusFile "$record")" "status file in the record"
[ "$(jq -r .safetyBackup.database "$record")" != null ] || fail "the record does not name the safety backup"
[[ "$(jq -r .completionTime "$record")" =~ ^20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]Z$ ]] ||
  fail "completionTime is not RFC 3339: $(jq -r .completionTime "$record")"
record_text=$(cat "$record")
safety_count=$(safety_backups)

# 2. The same manifest again, with new labels and another annotation (a GitOps tool's own):
#    nothing is restored, not even a safety backup taken, and the database may be down.
changed=$(change_data second)
write_manifest 1 false second "argocd.argoproj.io/hook: PostSync"
compose stop db >/dev/null 2>&1
run_restore run -f /manifests/restore-once.yaml
compose up -d --wait db >/dev/null 2>&1 || fail "the database did not start again"
assert_skipped "the repeat" "$changed"
assert_eq "$safety_count" "$(safety_backups)" "safety backups after the repeat"
assert_eq "$record_text" "$(cat "$record")" "record after the repeat"
if grep -q "safety backup first" "$WORK/stderr"; then fail "the repeat took a safety backup"; fi

# 3. A new value of hivekeeper.io/restore-id runs it again.
write_manifest 2 false
run_restore run -f /manifests/restore-once.yaml
assert_restored "the apply with a new restore-id"
assert_contains "$WORK/stderr" 'changed from "1" to "2"'
assert_eq 2 "$(jq -r .restoreId "$record")" "restoreId in the record after the new restore-id"
run_restore run -f /manifests/restore-once.yaml
assert_skipped "the repeat of the new restore-id" "$original_db"
# Its dry run says the same: nothing would be done.
run_restore run -f /manifests/restore-once.yaml --dry-run
assert_eq 0 "$(job_exit)" "exit code of the repeat's dry run"
assert_contains "$WORK/stdout" "restore --dry-run: nothing would be done: already restored at"

# 4. A changed spec (reset: true) runs it again.
changed=$(change_data third)
write_manifest 2 true
run_restore run -f /manifests/restore-once.yaml
assert_restored "the apply with a changed spec"
assert_contains "$WORK/stderr" "the spec changed since the restore recorded at"

# 5. Two syncs at the same moment (one container, two runners): one restores, the other waits for
#    the lock and then finds the record.
changed=$(change_data fourth)
write_manifest 3 true
safety_count=$(safety_backups)
JOB_RUN_OPTIONS=(--entrypoint bash)
run_restore -c '
  hivekeeper run -f /manifests/restore-once.yaml --status-file backups/django/status/a.json >/tmp/a.out &
  first=$!
  hivekeeper run -f /manifests/restore-once.yaml --status-file backups/django/status/b.json >/tmp/b.out &
  second=$!
  wait "$first"; echo "first exited $?"
  wait "$second"; echo "second exited $?"
  cat /tmp/a.out /tmp/b.out'
JOB_RUN_OPTIONS=()
assert_contains "$WORK/stdout" "first exited 0"
assert_contains "$WORK/stdout" "second exited 0"
assert_eq 1 "$(grep -c "(completed in" "$WORK/stdout")" "runs that restored, of two started together"
assert_eq 1 "$(grep -c "already restored at" "$WORK/stdout")" "runs that found the record, of two started together"
assert_eq $((safety_count + 1)) "$(safety_backups)" "safety backups after two runs started together"
assert_eq "$original_db" "$(database_fingerprint)" "database after two runs started together"

# 6. The restore command always runs, and keeps no record.
for round in 1 2; do
  change_data "command-$round" >/dev/null
  run_restore restore prod --no-safety-backup
  assert_eq 0 "$(job_exit)" "exit code of restore prod, round $round"
  assert_contains "$WORK/stdout" "RestoreJob restore-prod Succeeded"
  assert_contains "$WORK/stdout" "(completed in"
  assert_eq "$original_db" "$(database_fingerprint)" "database after restore prod, round $round"
done
[ ! -e "$BACKUPS/restores/restore-prod.json" ] || fail "the restore command wrote a record"

# 7. A failed restore writes no record, so applying it again runs (and fails) again: a dump cut
#    short (refused before anything changes, exit 1) and a file that is not there (exit 2).
truncated=${dump%_db_app_*}_db_app_2020-01-01_000000.sql.gz
(gunzip -c "$BACKUPS/$dump" || true) | head -n 30 | gzip >"$BACKUPS/$truncated"
write_failing_manifest() { # name database-file
  cat >"$WORK/manifests/$1.yaml" <<YAML
apiVersion: hivekeeper.io/v1
kind: RestoreJob
metadata:
  name: $1
spec:
  environment: prod
  source: {database: $2}
YAML
}
write_failing_manifest restore-truncated "$truncated"
write_failing_manifest restore-missing no_such_backup_db_app_2020-01-01_000000.sql.gz
for round in 1 2; do
  for failing in restore-truncated:1:DumpIncomplete restore-missing:2:BackupNotFound; do
    IFS=: read -r name code reason <<<"$failing"
    run_restore run -f "/manifests/$name.yaml"
    assert_eq "$code" "$(job_exit)" "exit code of $name, round $round"
    assert_contains "$WORK/stdout" "RestoreJob $name Failed"
    assert_eq "$reason" "$(status_field "$BACKUPS/status/$name.json" '.status.conditions[] | select(.type == "Failed") | .reason')" "reason of $name, round $round"
    [ ! -e "$BACKUPS/restores/$name.json" ] || fail "the failed $name wrote a record"
  done
done
assert_eq "$original_db" "$(database_fingerprint)" "database after the failed restores"
echo "PASS $TEST_NAME"
