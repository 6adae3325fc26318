# A backup killed outright (SIGKILL) in the middle of its dump runs none of its cleanups: its
# partial files stay in the backup directory (and its media helper container, if the media were
# still streaming). The next job on that directory (here `backup dev`, so it has a status file of
# its own) removes them and marks the killed job's status phase Failed, reason Killed; only the
# new job's set is left.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/hostile_media.bash"
setup_project
start_app
seed_database
seed_media
# Hold a lock pg_dump must wait for, so the job is reliably mid-way when the signal comes.
compose exec -T db psql -U app app -c "BEGIN; LOCK TABLE beefont_glyph IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(120);" >/dev/null 2>&1 &
locker=$!
sleep 1

compose run --rm -T --name "$PROJECT-job" backup-job backup prod --media >"$WORK/killed.stdout" 2>"$WORK/killed.stderr" &
job=$!
for _ in $(seq 1 100); do
  [ -n "$(partial_files)" ] && break
  sleep 0.1
done
[ -n "$(partial_files)" ] || fail "the job never started writing"
sleep 1
docker kill --signal KILL "$PROJECT-job" >/dev/null
set +e
wait "$job"
code=$?
set -e
# End the lock's session in the server (killing the exec client would leave it sleeping), so
# the next job's dump does not wait for it.
psql_app -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'BEGIN; LOCK TABLE beefont_glyph%'" >/dev/null
wait "$locker" 2>/dev/null || true
assert_eq 137 "$code" "exit code of the killed backup"
echo "left by the kill: partial files [$(partial_files | xargs)], helpers [$(helper_containers | xargs)]"

run_job backup dev
assert_eq 0 "$(job_exit)" "exit code of the next job"
assert_eq "" "$(partial_files)" "partial files after the next job"
assert_eq "" "$(helper_containers)" "helper containers after the next job"
status=$BACKUPS/status/backup-prod.json
assert_eq Failed "$(status_field "$status" .status.phase)" "the killed backup's phase"
assert_eq Killed "$(failed_reason "$status")" "the killed backup's Failed reason"
assert_eq "" "$(backup_files | grep -v "^${PROJECT}_dev_" || true)" "files of the killed backup"
echo "PASS $TEST_NAME"
