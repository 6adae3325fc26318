# A database name that does not exist fails the dump with pg_dump's own words and a hint; the
# partial dump is removed.
source "$(dirname "$0")/lib.sh"
setup_project
start_app
cat > "$WORK/manifests/wrong-db.yaml" <<'YAML'
apiVersion: hivekeeper.io/v1
kind: BackupJob
metadata:
  name: wrong-db
spec:
  environment: dev
  database:
    name: nosuchdb
  media:
    enabled: true
YAML

run_job run -f /manifests/wrong-db.yaml
assert_eq 1 "$(job_exit)" "exit code"
assert_contains "$WORK/stderr" 'pg_dump of database nosuchdb in container'
assert_contains "$WORK/stderr" 'database "nosuchdb" does not exist'
assert_contains "$WORK/stderr" 'hint: check spec.database.name'
assert_eq DumpFailed "$(status_field "$BACKUPS/status/wrong-db.json" '.status.conditions[] | select(.type=="Failed") | .reason')" "Failed reason"
assert_eq 0 "$(status_field "$BACKUPS/status/wrong-db.json" '.status.artifacts | length')" "artifacts in the status"
assert_no_backup_left
echo "PASS $TEST_NAME"
