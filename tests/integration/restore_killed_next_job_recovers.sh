# A restore killed outright (SIGKILL: the OOM killer, a node lost, `docker kill`) while it loads
# a big table, with web quiesced and the media staged in the volume by a helper container, runs
# none of its cleanups. The next job on that backup directory (here a plain `backup prod`)
# finishes what it left: web runs again, no Hivekeeper helper container is left for the volume,
# no staging or old-content folder in the volume, no partial file in the backup directory, and
# the killed job's status says phase Failed, reason Killed. The database and the media are as
# before the restore (the load never committed, the swap never began).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/hostile_media.bash"
setup_project
start_app
seed_database
seed_media
create_bulk_table 1000000
run_job backup prod --media
assert_eq 0 "$(job_exit)" "exit code of the backup"
psql_app -c "UPDATE auth_user SET username = username || '-after'" >/dev/null
docker run --rm -v "$MEDIA_VOLUME:/m" "$WEB_IMAGE" bash -c 'echo after > /m/glyphs/g2.svg'
before_db=$(database_fingerprint)
before_bulk=$(bulk_summary)
before_media=$(media_fingerprint_of_volume)

compose run --rm -T --name "$PROJECT-job" restore-job restore prod --media latest --quiesce web \
  --no-safety-backup >"$WORK/killed.stdout" 2>"$WORK/killed.stderr" &
job=$!
[ -n "$(pid_loading_bulk)" ] || fail "the restore never began to load the big table"
assert_eq false "$(service_running web)" "web running while loading"
docker kill --signal KILL "$PROJECT-job" >/dev/null
set +e
wait "$job"
code=$?
set -e
assert_eq 137 "$code" "exit code of the killed restore"
# What the kill left, for the record (the next job is what is checked).
echo "left by the kill: web running $(service_running web), helpers [$(helper_containers | xargs)]," \
  "volume folders [$(hivekeeper_folders_in_volume | xargs)], phase $(status_field "$RESTORE_STATUS" .status.phase)"

run_job backup prod
assert_eq 0 "$(job_exit)" "exit code of the next job"
assert_eq true "$(service_running web)" "web running after the next job"
assert_eq "" "$(helper_containers)" "helper containers after the next job"
assert_eq "" "$(hivekeeper_folders_in_volume)" "Hivekeeper folders in the volume after the next job"
assert_eq "" "$(partial_files)" "partial files after the next job"
assert_eq Failed "$(status_field "$RESTORE_STATUS" .status.phase)" "the killed restore's phase"
assert_eq Killed "$(failed_reason "$RESTORE_STATUS")" "the killed restore's Failed reason"
assert_eq "$before_db" "$(database_fingerprint)" "database after the next job"
assert_eq "$before_bulk" "$(bulk_summary)" "big table after the next job"
assert_eq "$before_media" "$(media_fingerprint_of_volume)" "media after the next job"
echo "PASS $TEST_NAME"
