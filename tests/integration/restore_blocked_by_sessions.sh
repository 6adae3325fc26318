# Another session holds a lock on a table the dump replaces. Without terminateConnections the
# restore gives up after lockTimeoutSeconds: phase Failed, a message naming the lock timeout, the
# session named in the log, the database unchanged. With --terminate-connections the session is
# ended, the restore succeeds, and the status lists the session as terminated.
source "$(dirname "$0")/lib.sh"
LOCKER_APP=hkt-locker
locker=

# A session that holds ACCESS SHARE on beefont_glyph (the dump's DROP needs ACCESS EXCLUSIVE).
start_locker() {
  compose exec -T -e PGAPPNAME=$LOCKER_APP db psql -X -U app app \
    -c "BEGIN; LOCK TABLE beefont_glyph IN ACCESS SHARE MODE; SELECT pg_sleep(300);" >/dev/null 2>&1 &
  locker=$!
  for _ in $(seq 1 50); do
    [ -n "$(locker_pid)" ] && return
    sleep 0.2
  done
  fail "the locking session did not start"
}

locker_pid() {
  psql_app -c "SELECT pid FROM pg_locks l JOIN pg_stat_activity a USING (pid)
    WHERE a.application_name = '$LOCKER_APP' AND l.relation = 'beefont_glyph'::regclass AND l.granted"
}

stop_locker() {
  psql_app -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '$LOCKER_APP'" >/dev/null 2>&1 || true
  [ -z "$locker" ] || { kill "$locker" 2>/dev/null || true; wait "$locker" 2>/dev/null || true; }
  locker=
}

eval "lib_$(declare -f cleanup)"
cleanup() {
  local status=$?
  stop_locker
  if [ "$status" -eq 0 ]; then lib_cleanup; else (exit "$status") || lib_cleanup; fi
}

setup_project
start_app
seed_database
run_job backup prod
assert_eq 0 "$(job_exit)" "exit code of the backup"
dump=$(find "$BACKUPS" -maxdepth 1 -name '*_prod_db_app_*.sql.gz' -printf '%f\n')
original_db=$(database_fingerprint)
# A change after the backup, so a restore that went through would show.
psql_app -c "UPDATE auth_user SET username = username || '-after'" >/dev/null
before_db=$(database_fingerprint)

# a) Blocked: a 2 s lock timeout, no terminateConnections.
cat >"$WORK/manifests/restore-blocked.yaml" <<YAML
apiVersion: hivekeeper.io/v1
kind: RestoreJob
metadata:
  name: restore-blocked
spec:
  environment: prod
  source:
    database: $dump
  safetyBackup: false
  terminateConnections: false
  lockTimeoutSeconds: 2
YAML
start_locker
pid=$(locker_pid)
started=$SECONDS
run_restore run -f /manifests/restore-blocked.yaml
elapsed=$((SECONDS - started))
status=$BACKUPS/status/restore-blocked.json
assert_eq 1 "$(job_exit)" "exit code of the blocked restore"
[ "$elapsed" -lt 30 ] || fail "the blocked restore took $elapsed s with a 2 s lock timeout"
assert_eq Failed "$(status_field "$status" .status.phase)" "phase of the blocked restore"
assert_eq RestoreSqlFailed "$(status_field "$status" '.status.conditions[] | select(.type=="Failed") | .reason')" "Failed reason"
assert_contains "$status" "canceling statement due to lock timeout"
# The status lists other sessions only after a commit (restore.cpp), so here the log names it.
assert_contains "$WORK/stderr" "another session is connected to app: pid $pid user app application \"$LOCKER_APP\""
assert_contains "$WORK/stderr" "--terminate-connections"
assert_eq "$before_db" "$(database_fingerprint)" "database after the blocked restore"
assert_eq "$pid" "$(locker_pid)" "the other session still holds its lock"

# b) The same session, ended by --terminate-connections.
run_restore restore prod "$dump" --no-safety-backup --terminate-connections
status=$BACKUPS/status/restore-prod.json
assert_eq 0 "$(job_exit)" "exit code with --terminate-connections"
assert_eq Succeeded "$(status_field "$status" .status.phase)" "phase with --terminate-connections"
assert_eq "" "$(psql_app -c "SELECT pid FROM pg_stat_activity WHERE application_name = '$LOCKER_APP'")" "the blocking session after the restore"
assert_eq "$original_db" "$(database_fingerprint)" "database after the restore with --terminate-connections"
# The ended session must be on record: listed, with terminated true.
assert_eq "[{\"pid\":\"$pid\",\"user\":\"app\",\"application\":\"$LOCKER_APP\",\"terminated\":true}]" \
  "$(jq -c '[.status.otherSessions[] | {pid, user, application, terminated}]' "$status")" "otherSessions in the status"
echo "PASS $TEST_NAME"
