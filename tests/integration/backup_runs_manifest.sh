# `docker compose run --rm backup-job` runs the BackupJob manifest the service mounts; a JSON
# manifest on standard input runs too, with JSON logs for log collectors.
source "$(dirname "$0")/lib.sh"
setup_project
start_app
seed_database
seed_media

run_job
assert_eq 0 "$(job_exit)" "exit code of the default manifest"
assert_contains "$WORK/stdout" "BackupJob nightly-prod Succeeded"
assert_eq 3 "$(backup_files | wc -l)" "files of the default manifest (db, media, metadata)"
assert_eq Succeeded "$(status_field "$BACKUPS/status/nightly-prod.json" .status.phase)" "status phase"
assert_eq nightly-prod "$(status_field "$BACKUPS/status/nightly-prod.json" .metadata.name)" "manifest echoed in the status"

cat > "$WORK/manifest.json" <<'JSON'
{"apiVersion": "hivekeeper.io/v1", "kind": "BackupJob", "metadata": {"name": "from-stdin"},
 "spec": {"environment": "dev", "output": {"prefix": "stdin"}, "dump": {"excludeTables": ["beefont_glyph"]}}}
JSON
set +e
compose run --rm -T backup-job --log-format json run -f - <"$WORK/manifest.json" >"$WORK/stdout" 2>"$WORK/stderr"
code=$?
set -e
assert_eq 0 "$code" "exit code of a manifest on stdin"
dump=$(find "$BACKUPS" -maxdepth 1 -name 'stdin_dev_db_app_*.sql.gz')
[ -n "$dump" ] || fail "no stdin_dev_db_app_*.sql.gz written"
gunzip -c "$dump" >"$WORK/dump.sql"
grep -q 'COPY public.auth_user' "$WORK/dump.sql" || fail "auth_user missing from the dump"
grep -q 'COPY public.beefont_glyph' "$WORK/dump.sql" && fail "excludeTables did not exclude beefont_glyph"
grep '^{' "$WORK/stderr" | jq -e 'select(.level == "info" and (.msg | startswith("backing up database app")))' >/dev/null ||
  fail "no JSON log line for the backup"
echo "PASS $TEST_NAME"
