# SIGTERM in the middle of a backup (docker stop, a CronJob's deadline) removes the partial
# files and the helper container and records phase Failed, reason Interrupted.
source "$(dirname "$0")/lib.sh"
setup_project
start_app
seed_database
seed_media
# Hold a lock pg_dump must wait for, so the job is reliably mid-way when the signal comes.
compose exec -T db psql -U app app -c "BEGIN; LOCK TABLE beefont_glyph IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(120);" >/dev/null 2>&1 &
locker=$!
sleep 1

compose run --rm -T --name "$PROJECT-job" backup-job backup prod --media >"$WORK/stdout" 2>"$WORK/stderr" &
job=$!
for _ in $(seq 1 100); do
  [ -n "$(find "$BACKUPS" -maxdepth 1 -name '.*.partial-*')" ] && break
  sleep 0.1
done
[ -n "$(find "$BACKUPS" -maxdepth 1 -name '.*.partial-*')" ] || fail "the job never started writing"
sleep 1
docker kill --signal TERM "$PROJECT-job" >/dev/null
set +e
wait "$job"
code=$?
set -e
kill "$locker" 2>/dev/null || true

assert_eq 1 "$code" "exit code after SIGTERM"
assert_eq Failed "$(status_field "$BACKUPS/status/backup-prod.json" .status.phase)" "status phase"
assert_eq Interrupted "$(status_field "$BACKUPS/status/backup-prod.json" '.status.conditions[] | select(.type=="Failed") | .reason')" "Failed reason"
assert_contains "$WORK/stdout" "BackupJob backup-prod Failed: interrupted by SIGTERM"
assert_no_backup_left
echo "PASS $TEST_NAME"
