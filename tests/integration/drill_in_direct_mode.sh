# A drill in direct mode (spec.target.postgres), as the chart's drill CronJob runs it: no Docker
# socket, the password from a mounted file, the scratch database created on the server over the
# network (psql beside the runner reaching it through a pgpass file of its own), the media
# unpacked into a folder under the backup directory, not into the live media. The dry run measures
# the backup directory's free space and says it cannot measure the server's; the drill passes,
# drops its database, removes its folder, and leaves the live database alone.
source "$(dirname "$0")/lib.sh"
setup_project
start_app_with_a_backup
metadata=$(find "$BACKUPS" -maxdepth 1 -name '*_prod_2*.json' -printf '%f\n')
live_db=$(database_fingerprint)
databases_before=$(psql_app -c "SELECT datname FROM pg_database ORDER BY 1")
network=$(app_network)
write_password_file
mkdir -p "$WORK/direct"
write_direct_manifest "$WORK/direct/drill.yaml" DrillJob drill-direct <<YAML
  source:
    directory: /backups
    prefix: $PROJECT
YAML
sed 's/^    prefix: .*/&\n  dryRun: true/' "$WORK/direct/drill.yaml" >"$WORK/direct/dry.yaml"
run_direct() { # manifest
  set +e
  docker run --rm --network "$network" -v "$WORK/secrets:/secrets:ro" -v "$WORK/direct:/job:ro" \
    -v "$BACKUPS:/backups" "$HIVEKEEPER_IMAGE" run -f "/job/$1" >"$WORK/stdout" 2>"$WORK/stderr"
  echo $? >"$WORK/exit"
  set -e
}

run_direct dry.yaml
assert_eq 0 "$(job_exit)" "exit code of the direct dry run"
assert_contains "$WORK/stdout" "the drill would run"
assert_contains "$WORK/stdout" "server db:5432"
assert_contains "$WORK/stdout" "free space not measurable: the server's disk is out of the runner's reach"
grep -qE '^  ok    the unpacked media needs about .*; the backup directory /backups has .* free$' "$WORK/stdout" ||
  fail "no measured free space for the media: $(cat "$WORK/stdout")"
assert_contains "$WORK/stdout" "create the directory /backups/.hivekeeper-drill-"
[ ! -e "$BACKUPS/status/drill-direct.json" ] || fail "the dry run wrote a status"

run_direct drill.yaml
assert_eq 0 "$(job_exit)" "exit code of the direct drill"
assert_contains "$WORK/stdout" "drill of ${metadata%.json}: passed"
assert_no_password "$WORK/stdout" "$WORK/stderr" "$BACKUPS/status/drill-direct.json"
status=$BACKUPS/status/drill-direct.json
folder=$(status_field "$status" .status.scratch.directory)
case "$folder" in /backups/.hivekeeper-drill-*) ;; *) fail "scratch folder $folder" ;; esac
assert_eq "directory $folder" "$(status_field "$status" .status.media.place)" "where the media were unpacked"
assert_eq metadata "$(status_field "$status" .status.database.rowCounts.checkedAgainst)" "row counts checked against"
assert_eq 4 "$(status_field "$status" .status.database.djangoMigrations.rowsRestored)" "migrations restored"
assert_eq true "$(status_field "$status" .status.database.dropped)" "scratch database dropped"
assert_eq true "$(status_field "$status" .status.media.removed)" "scratch folder removed"
assert_eq Passed "$(jq -r .result "$BACKUPS/verified/${metadata%.json}.json")" "recorded result"
[ -z "$(find "$BACKUPS" -maxdepth 1 -name '.hivekeeper-drill-*')" ] || fail "the scratch folder was left"
assert_eq "$databases_before" "$(psql_app -c "SELECT datname FROM pg_database ORDER BY 1")" "databases after the drill"
assert_eq "$live_db" "$(database_fingerprint)" "live database after the drill"
echo "drill timings (direct mode): $(jq -c .status.timings "$status")"
echo "PASS $TEST_NAME"
