# Direct mode, SIGTERM early in the load of a large table, as Kubernetes sends it when a restore
# Job hits activeDeadlineSeconds or is deleted: exit code 1, phase Failed with reason Interrupted
# in the status file and in the termination log; the runner has the server end the load's session
# (found by the job's own application name), so the transaction is rolled back at once (the
# database as before, no session of the load left, no lock held); the staging
# folder in the media directory is removed and the media are untouched.
source "$(dirname "$0")/lib.sh"
setup_project
start_app
seed_database
seed_media
db=$(compose ps -q db)
psql_db() { docker exec "$db" psql -X -q -At -U app app -c "$1"; }
create_bulk_table 2000000

run_job backup prod --media
assert_eq 0 "$(job_exit)" "exit code of the backup"
write_password_file
mkdir -p "$WORK/direct" "$WORK/media"
copy_media_volume_to "$WORK/media"
# Changes after the backup, so a restore that got committed would show.
psql_app -c "UPDATE auth_user SET username = username || '-after'" -c "DELETE FROM bulk.rows WHERE id % 3 = 0" >/dev/null
echo after >"$WORK/media/glyphs/g2.svg"
before_db=$(database_fingerprint)
before_bulk=$(bulk_summary)
before_media=$(media_fingerprint_of_dir "$WORK/media")

write_direct_manifest "$WORK/direct/job.yaml" RestoreJob restore-direct <<YAML
  source: {directory: /backups, prefix: $PROJECT, database: latest, media: latest}
  media: {path: /media}
  safetyBackup: false
YAML
: >"$WORK/termination-log"
docker run --rm --name "$PROJECT-job" --network "$(app_network)" -v "$WORK/secrets:/secrets:ro" \
  -v "$WORK/direct:/job:ro" -v "$BACKUPS:/backups" -v "$WORK/media:/media" \
  -v "$WORK/termination-log:/dev/termination-log" "$HIVEKEEPER_IMAGE" \
  run -f /job/job.yaml --termination-log /dev/termination-log >"$WORK/stdout" 2>"$WORK/stderr" &
job=$!
loading=$(pid_loading_bulk)
[ -n "$loading" ] || fail "the restore never began to load the big table"
docker kill --signal TERM "$PROJECT-job" >/dev/null
set +e
wait "$job"
code=$?
set -e

assert_eq 1 "$code" "exit code after SIGTERM"
assert_contains "$WORK/stderr" "interrupted by SIGTERM"
assert_contains "$WORK/stdout" "RestoreJob restore-direct Failed: interrupted by SIGTERM"
# The runner asks the server to end the load's session: psql's connection, torn down with the
# container's network, might never close, and the backend would wait for it (and hold its locks)
# until TCP keepalive gave up. When psql closed its connection itself before the runner asked (the
# server then logs "unexpected EOF on client connection"), there is no session left to end; either
# way the session must be gone within seconds (checked below).
if ! grep -qF "ended 1 session(s) of the job on db:5432" "$WORK/stderr"; then
  docker logs "$db" 2>&1 | grep -q "unexpected EOF on client connection with an open transaction" \
    || fail "the runner ended no session of the load and psql did not close its connection either"
fi
status=$BACKUPS/status/restore-direct.json
assert_eq Failed "$(status_field "$status" .status.phase)" "phase"
assert_eq Interrupted "$(status_field "$status" '.status.conditions[] | select(.type == "Failed") | .reason')" "reason"
assert_eq Failed "$(jq -r .status.phase "$WORK/termination-log")" "phase in the termination log"
# Without the runner or psql ending it, the session would stay until TCP keepalive (2 hours by
# default); 10 s is ample for either.
for _ in $(seq 1 50); do
  [ "$(psql_db "SELECT count(*) FROM pg_stat_activity WHERE pid = $loading")" = 0 ] && break
  sleep 0.2
done
assert_eq 0 "$(psql_db "SELECT count(*) FROM pg_stat_activity WHERE pid = $loading")" "the load's session after SIGTERM"
assert_eq "$before_db" "$(database_fingerprint)" "database after the interrupted restore"
assert_eq "$before_bulk" "$(bulk_summary)" "big table after the interrupted restore"
assert_eq "$before_media" "$(media_fingerprint_of_dir "$WORK/media")" "media after the interrupted restore"
[ -z "$(find "$WORK/media" -maxdepth 1 -name '.hivekeeper-*')" ] || fail "staging folder left in the media directory"
echo "PASS $TEST_NAME"
