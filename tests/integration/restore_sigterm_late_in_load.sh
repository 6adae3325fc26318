# SIGTERM a moment before a load ends, with nine services quiesced whose restarts (the
# interrupt's cleanups, some 0.8 s each) take longer than the rest of the load: the load must not
# commit behind the cleanups' back, and the job must not exit before every service runs again.
# Expected: exit code 1, phase Failed with reason Interrupted, the database as before the restore
# (rolled back), all nine services running. Before IrreversibleStep, the load reached its COMMIT
# while the signal thread was restarting services: exit 0, Succeeded, committed, six to eight
# services left exited. (restore_sigterm_rolls_back.sh covers a signal early in a long load.)
source "$(dirname "$0")/lib.sh"
compose() {
  docker compose --project-name "$PROJECT" --project-directory "$WORK" \
    -f "$WORK/compose.yml" -f "$WORK/hivekeeper.yml" -f "$WORK/workers.yml" "$@"
}
setup_project
workers=(w1 w2 w3 w4 w5 w6 w7 w8)
{
  echo "services:"
  for w in "${workers[@]}"; do
    printf '  %s:\n    image: %s\n    command: ["sleep", "infinity"]\n    init: true\n' "$w" "$WEB_IMAGE"
  done
} >"$WORK/workers.yml"
compose up -d --wait --quiet-pull db web "${workers[@]}" >/dev/null 2>&1 || fail "the app did not start"
seed_database
db=$(compose ps -q db)
# A table whose COPY takes about 2 s, so the signal can come at its start.
psql_app -c "CREATE SCHEMA bulk" -c "CREATE TABLE bulk.rows (id int, payload text)" \
  -c "INSERT INTO bulk.rows SELECT n, 'row ' || n || ' of the table that keeps the load busy'
      FROM generate_series(1, 600000) n" >/dev/null
run_job backup prod
assert_eq 0 "$(job_exit)" "exit code of the backup"
psql_app -c "UPDATE auth_user SET username = username || '-after'" >/dev/null
before=$(database_fingerprint)

quiesce=()
for service in web "${workers[@]}"; do quiesce+=(--quiesce "$service"); done
compose run --rm -T --name "$PROJECT-job" restore-job restore prod --no-safety-backup "${quiesce[@]}" \
  >"$WORK/stdout" 2>"$WORK/stderr" &
job=$!
# One session polling every 20 ms until the big table's COPY starts.
docker exec "$db" psql -X -q -U app app -c "DO \$\$ BEGIN
  FOR i IN 1..1500 LOOP
    PERFORM pg_stat_clear_snapshot();
    IF EXISTS (SELECT 1 FROM pg_stat_activity WHERE query LIKE 'COPY bulk.rows %FROM stdin;') THEN RETURN; END IF;
    PERFORM pg_sleep(0.02);
  END LOOP;
  RAISE EXCEPTION 'the load of bulk.rows did not start within 30 s';
END \$\$" >/dev/null || fail "the restore never loaded bulk.rows"
docker kill --signal TERM "$PROJECT-job" >/dev/null
code=0
wait "$job" || code=$?

assert_eq 1 "$code" "exit code after SIGTERM"
assert_contains "$WORK/stdout" "interrupted by SIGTERM"
assert_eq Failed "$(status_field "$BACKUPS/status/restore-prod.json" .status.phase)" "phase"
assert_eq Interrupted "$(status_field "$BACKUPS/status/restore-prod.json" \
  '.status.conditions[] | select(.type == "Failed") | .reason')" "reason"
assert_eq "$before" "$(database_fingerprint)" "database after SIGTERM (rolled back)"
not_running=$(compose ps -a --format '{{.Service}} {{.State}}' | awk '$2 != "running" { print $1 }' | tr '\n' ' ')
assert_eq "" "$not_running" "services not running after the restore"
echo "ok: SIGTERM late in a load rolls back and every quiesced service runs again"
