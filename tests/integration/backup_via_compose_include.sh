# The app's compose.yml can pull Hivekeeper in with `include:` instead of a second -f; then a
# plain `docker compose run --rm backup-job backup dev` works, and `docker compose up` does not
# start the job (it has a profile).
source "$(dirname "$0")/lib.sh"
setup_project
printf 'include:\n  - hivekeeper.yml\n' >> "$WORK/compose.yml"
app() { docker compose --project-name "$PROJECT" --project-directory "$WORK" -f "$WORK/compose.yml" "$@"; }
app up -d --wait >/dev/null 2>&1 || fail "the app did not start"
[ -z "$(docker ps -q --filter "label=com.docker.compose.project=$PROJECT" --filter "label=com.docker.compose.service=backup-job")" ] ||
  fail "docker compose up started the backup job"
seed_database

set +e
app run --rm -T backup-job backup dev >"$WORK/stdout" 2>"$WORK/stderr"
echo $? >"$WORK/exit"
set -e
assert_eq 0 "$(job_exit)" "exit code"
assert_contains "$WORK/stdout" "BackupJob backup-dev Succeeded"
[ -n "$(find "$BACKUPS" -maxdepth 1 -name "${PROJECT}_dev_db_app_*.sql.gz")" ] || fail "no dev dump in $BACKUPS"
echo "PASS $TEST_NAME"
