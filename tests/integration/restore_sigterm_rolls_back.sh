# SIGTERM early in the load of a large table (web quiesced, media staged in the volume by a
# helper container): exit code 1 and "interrupted by SIGTERM" as for a backup, phase Failed,
# reason Interrupted; the transaction is rolled back (the database as before the restore, no
# session of the load left), web runs again, the helper and the staging folder are gone and the
# media are untouched. The safety backup was complete before the load began, so it stays, and
# stays listed in the status (cli.cpp's mark_failed keeps the safety- artifacts on purpose): it
# holds the state the restore would have overwritten. The signal comes seconds before the load
# could end: the interrupt's cleanups run while the load goes on, so a signal in a load's last
# seconds is not what this suite checks.
source "$(dirname "$0")/lib.sh"
setup_project
start_app
seed_database
seed_media
db=$(compose ps -q db)
web=$(compose ps -q web)
psql_db() { docker exec "$db" psql -X -q -At -U app app -c "$1"; }
create_bulk_table 3000000

run_job backup prod --media
assert_eq 0 "$(job_exit)" "exit code of the backup"
# Changes after the backup, so a restore that got committed would show.
psql_app -c "UPDATE auth_user SET username = username || '-after'" -c "DELETE FROM bulk.rows WHERE id % 3 = 0" >/dev/null
docker run --rm -v "$MEDIA_VOLUME:/m" "$WEB_IMAGE" bash -c 'echo after > /m/glyphs/g2.svg'
before_db=$(database_fingerprint)
before_bulk=$(bulk_summary)
before_media=$(media_fingerprint_of_volume)

compose run --rm -T --name "$PROJECT-job" restore-job restore prod --media latest --quiesce web \
  >"$WORK/stdout" 2>"$WORK/stderr" &
job=$!
# The signal comes early in a load of several seconds.
loading=$(pid_loading_bulk)
[ -n "$loading" ] || fail "the restore never began to load the big table"
helper=$(docker ps -q --filter "label=hivekeeper.io/volume=$MEDIA_VOLUME")
[ -n "$helper" ] || fail "no helper container while loading"
docker exec "$helper" ls -a /hivekeeper-media | grep -q '^\.hivekeeper-staging-' || fail "no staging folder while loading"
assert_eq false "$(docker inspect -f '{{.State.Running}}' "$web")" "web running while loading"
docker kill --signal TERM "$PROJECT-job" >/dev/null
set +e
wait "$job"
code=$?
set -e

status=$BACKUPS/status/restore-prod.json
assert_eq 1 "$code" "exit code after SIGTERM"
assert_contains "$WORK/stdout" "RestoreJob restore-prod Failed: interrupted by SIGTERM"
assert_eq Failed "$(status_field "$status" .status.phase)" "status phase"
assert_eq Interrupted "$(status_field "$status" '.status.conditions[] | select(.type=="Failed") | .reason')" "Failed reason"
# The load's session ends once the engine passes the closed connection on as end of input.
for _ in $(seq 1 50); do
  [ -z "$(psql_db "SELECT pid FROM pg_stat_activity WHERE pid = $loading")" ] && break
  sleep 0.2
done
assert_eq "" "$(psql_db "SELECT pid || ' ' || state || ' ' || query FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()")" "other sessions after SIGTERM"
assert_eq "$before_db" "$(database_fingerprint)" "database after SIGTERM"
assert_eq "$before_bulk" "$(bulk_summary)" "big table after SIGTERM"
assert_eq true "$(docker inspect -f '{{.State.Running}}' "$web")" "web running after SIGTERM"
[ -z "$(docker ps -aq --filter "label=hivekeeper.io/volume=$MEDIA_VOLUME")" ] || fail "a helper container was left behind"
assert_eq "" "$(docker run --rm -v "$MEDIA_VOLUME:/m:ro" "$WEB_IMAGE" find /m -maxdepth 1 -name '.hivekeeper-*')" "Hivekeeper folders left in the volume"
assert_eq "$before_media" "$(media_fingerprint_of_volume)" "media after SIGTERM"
# The safety backup: complete files, listed with their sizes, no partial file beside them.
assert_eq "safety-database safety-media safety-metadata" "$(jq -r '[.status.artifacts[].kind] | sort | join(" ")' "$status")" "artifacts listed"
jq -r '.status.artifacts[] | "\(.path) \(.bytes)"' "$status" | while read -r path bytes; do
  assert_eq "$bytes" "$(stat -c %s "$BACKUPS/$(basename "$path")")" "size of $path"
done
assert_eq "" "$(find "$BACKUPS" -maxdepth 1 -name '.*' -printf '%f\n')" "partial files"
echo "PASS $TEST_NAME"
