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
network=$(docker inspect -f '{{range $name, $_ := .NetworkSettings.Networks}}{{$name}}{{end}}' "$db")
psql_db() { docker exec "$db" psql -X -q -At -U app app -c "$1"; }
# The big table lives in its own schema, out of the fingerprint; checked by count and sum.
psql_app -c "CREATE SCHEMA bulk" -c "CREATE TABLE bulk.rows (id bigint, created timestamptz, data jsonb)" \
  -c "INSERT INTO bulk.rows SELECT n, '2026-01-01'::timestamptz + n * interval '1 s',
        jsonb_build_object('n', n, 'tags', jsonb_build_array('bee', 'hive', n % 7), 'note', 'row ' || n)
      FROM generate_series(1, 2000000) n" >/dev/null
bulk() { psql_db "SELECT count(*) || ' rows, sum ' || sum(id) FROM bulk.rows"; }

run_job backup prod --media
assert_eq 0 "$(job_exit)" "exit code of the backup"
mkdir -p "$WORK/secrets" "$WORK/direct" "$WORK/media"
printf 'demo-only-password\n' >"$WORK/secrets/password"
docker run --rm -v "$MEDIA_VOLUME:/m:ro" -v "$WORK/media:/out" "$WEB_IMAGE" cp -a /m/. /out/
# Changes after the backup, so a restore that got committed would show.
psql_app -c "UPDATE auth_user SET username = username || '-after'" -c "DELETE FROM bulk.rows WHERE id % 3 = 0" >/dev/null
echo after >"$WORK/media/glyphs/g2.svg"
before_db=$(database_fingerprint)
before_bulk=$(bulk)
before_media=$(media_fingerprint_of_dir "$WORK/media")

cat >"$WORK/direct/job.yaml" <<YAML
apiVersion: hivekeeper.io/v1
kind: RestoreJob
metadata:
  name: restore-direct
spec:
  environment: prod
  target:
    postgres: {host: db, database: app, user: app, passwordFrom: {file: /secrets/password}}
  source: {directory: /backups, prefix: $PROJECT, database: latest, media: latest}
  media: {path: /media}
  safetyBackup: false
YAML
: >"$WORK/termination-log"
docker run --rm --name "$PROJECT-job" --network "$network" -v "$WORK/secrets:/secrets:ro" \
  -v "$WORK/direct:/job:ro" -v "$BACKUPS:/backups" -v "$WORK/media:/media" \
  -v "$WORK/termination-log:/dev/termination-log" "$HIVEKEEPER_IMAGE" \
  run -f /job/job.yaml --termination-log /dev/termination-log >"$WORK/stdout" 2>"$WORK/stderr" &
job=$!
# Wait, in one session polling every 20 ms, until psql copies the big table's rows.
loading=$(docker exec "$db" psql -X -q -v ON_ERROR_STOP=1 -U app app -c "DO \$\$ DECLARE copying int; BEGIN
  FOR i IN 1..3000 LOOP
    PERFORM pg_stat_clear_snapshot();
    SELECT pid INTO copying FROM pg_stat_activity WHERE query LIKE 'COPY bulk.rows %FROM stdin;';
    IF copying IS NOT NULL THEN RAISE NOTICE 'copying %', copying; RETURN; END IF;
    PERFORM pg_sleep(0.02);
  END LOOP;
END \$\$" 2>&1 | sed -n 's/^NOTICE:  copying //p' || true)
[ -n "$loading" ] || fail "the restore never began to load the big table"
docker kill --signal TERM "$PROJECT-job" >/dev/null
set +e
wait "$job"
code=$?
set -e

assert_eq 1 "$code" "exit code after SIGTERM"
assert_contains "$WORK/stderr" "interrupted by SIGTERM"
assert_contains "$WORK/stdout" "RestoreJob restore-direct Failed: interrupted by SIGTERM"
# The runner asked the server to end the load's session: psql's connection, torn down with the
# container's network, would never close, and the backend would wait for it (and hold its locks)
# until TCP keepalive gave up.
assert_contains "$WORK/stderr" "ended 1 session(s) of the job on db:5432"
status=$BACKUPS/status/restore-direct.json
assert_eq Failed "$(status_field "$status" .status.phase)" "phase"
assert_eq Interrupted "$(status_field "$status" '.status.conditions[] | select(.type == "Failed") | .reason')" "reason"
assert_eq Failed "$(jq -r .status.phase "$WORK/termination-log")" "phase in the termination log"
# The server ends the load's session once psql's connection is gone; give it a moment.
for _ in $(seq 1 50); do
  [ "$(psql_db "SELECT count(*) FROM pg_stat_activity WHERE pid = $loading")" = 0 ] && break
  sleep 0.2
done
assert_eq 0 "$(psql_db "SELECT count(*) FROM pg_stat_activity WHERE pid = $loading")" "the load's session after SIGTERM"
assert_eq "$before_db" "$(database_fingerprint)" "database after the interrupted restore"
assert_eq "$before_bulk" "$(bulk)" "big table after the interrupted restore"
assert_eq "$before_media" "$(media_fingerprint_of_dir "$WORK/media")" "media after the interrupted restore"
[ -z "$(find "$WORK/media" -maxdepth 1 -name '.hivekeeper-*')" ] || fail "staging folder left in the media directory"
echo "PASS $TEST_NAME"
