# Direct mode (spec.target.postgres), as a Kubernetes CronJob runs it: the runner container has
# no Docker socket, reaches Postgres over the network, and reads the password from a mounted
# file. The backup has the same names, metadata and status as in Docker mode, the password is
# nowhere in its output, and the file restores in Docker mode (restore-job). A wrong password
# fails before anything is written, naming the server but not the password.
source "$(dirname "$0")/lib.sh"
setup_project
start_app
seed_database
original=$(database_fingerprint)
network=$(app_network)
write_password_file
mkdir -p "$WORK/direct"
write_direct_manifest "$WORK/direct/backup.yaml" BackupJob nightly-direct <<YAML
  output:
    directory: /backups
    prefix: $PROJECT
YAML
run_direct() { # runs the runner image like a CronJob's container: no socket, secret file, backups volume
  set +e
  docker run --rm --network "$network" -v "$WORK/secrets:/secrets:ro" -v "$WORK/direct:/job:ro" \
    -v "$BACKUPS:/backups" "$HIVEKEEPER_IMAGE" run -f /job/backup.yaml >"$WORK/stdout" 2>"$WORK/stderr"
  echo $? >"$WORK/exit"
  set -e
}

run_direct
assert_eq 0 "$(job_exit)" "exit code of the direct backup"
status=$BACKUPS/status/nightly-direct.json
assert_eq Succeeded "$(status_field "$status" .status.phase)" "phase"
assert_eq db:5432 "$(status_field "$status" .status.database.server)" "server in the status"
dump=$(find "$BACKUPS" -maxdepth 1 -name "${PROJECT}_prod_db_app_*.sql.gz" -printf '%f\n')
[ -n "$dump" ] || fail "no ${PROJECT}_prod_db_app_*.sql.gz in $(backup_files)"
metadata=$(find "$BACKUPS" -maxdepth 1 -name "${PROJECT}_prod_*.json" -printf '%f\n')
gunzip -t "$BACKUPS/$dump" || fail "$dump is not valid gzip"
gunzip -c "$BACKUPS/$dump" | tail -n 5 | grep -q 'PostgreSQL database dump complete' || fail "$dump has no trailer"
[ "$(jq '.database.rowCounts | length' "$BACKUPS/$metadata")" -gt 0 ] || fail "no row counts in $metadata"
assert_eq db:5432 "$(jq -r .database.server "$BACKUPS/$metadata")" "server in the metadata"
assert_no_password "$status" "$BACKUPS/$metadata" "$WORK/stdout" "$WORK/stderr"

# The direct backup restores in Docker mode.
psql_app -c "UPDATE auth_user SET username = username || '-after'" -c "DELETE FROM beefont_glyph" >/dev/null
run_restore restore prod "$dump" --no-safety-backup
assert_eq 0 "$(job_exit)" "exit code of the Docker-mode restore of the direct backup"
assert_eq "$original" "$(database_fingerprint)" "database after restoring the direct backup"

# A wrong password: refused before a file is written, and not echoed.
before=$(backup_files)
printf 'not-the-password\n' >"$WORK/secrets/password"
run_direct
assert_eq 1 "$(job_exit)" "exit code with a wrong password"
assert_contains "$WORK/stderr" "cannot connect to PostgreSQL as app@db:5432/app"
! grep -qF not-the-password "$WORK/stderr" "$WORK/stdout" "$status" || fail "the wrong password was echoed"
assert_eq "$before" "$(backup_files)" "files after the refused backup"
echo "PASS $TEST_NAME"
