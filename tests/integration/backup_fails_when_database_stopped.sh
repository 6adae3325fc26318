# A stopped database container fails the job with the command that starts it: exit 1, phase
# Failed, and no file that looks like a backup.
source "$(dirname "$0")/lib.sh"
setup_project
start_app
compose stop db >/dev/null 2>&1

run_job backup prod --media
assert_eq 1 "$(job_exit)" "exit code"
assert_contains "$WORK/stderr" "database container $PROJECT-db-1 is not running (state: exited)"
assert_contains "$WORK/stderr" 'hint: start it with `docker compose up -d db`'
status_file=$BACKUPS/status/backup-prod.json
assert_eq Failed "$(status_field "$status_file" .status.phase)" "status phase"
assert_eq DatabaseContainerNotRunning "$(status_field "$status_file" '.status.conditions[] | select(.type=="Failed") | .reason')" "Failed condition reason"
assert_contains "$WORK/stdout" "BackupJob backup-prod Failed: database container $PROJECT-db-1 is not running"
assert_no_backup_left
echo "PASS $TEST_NAME"
