# A restore drill of the latest set (database and media): `drill prod` restores the dump into a
# scratch database created on the same server and the media into a new scratch volume, checks the
# row counts against the metadata, django_migrations against the dump (and reports the migration
# the live database got after the backup), reads every staged file back, times it all, drops the
# scratch database and volume, and records the verdict. Exit 0; the live database and media volume
# are exactly as they were; no scratch database, volume, helper or folder is left.
source "$(dirname "$0")/lib.sh"
setup_project
start_app_with_a_backup
metadata=$(find "$BACKUPS" -maxdepth 1 -name '*_prod_2*.json' -printf '%f\n')
set_name=${metadata%.json}
# The live database moves on after the backup: a migration applied since is reported, never a
# problem of the backup.
psql_app -c "INSERT INTO django_migrations (app, name, applied) VALUES ('beefont', '0003_after_backup', now())" >/dev/null
live_db=$(database_fingerprint)
live_media=$(media_fingerprint_of_volume)
databases_before=$(psql_app -c "SELECT datname FROM pg_database ORDER BY 1")

JOB_SERVICE=drill-job run_job
assert_eq 0 "$(job_exit)" "exit code of the drill"
assert_contains "$WORK/stdout" "drill of $set_name: passed"
assert_contains "$WORK/stdout" "DrillJob drill-prod Succeeded"
status=$BACKUPS/status/drill-prod.json
assert_eq Succeeded "$(status_field "$status" .status.phase)" "phase"
assert_eq DrillPassed "$(status_field "$status" '.status.conditions[] | select(.type == "Complete") | .reason')" "reason"
assert_eq "$set_name" "$(status_field "$status" .status.set)" "set drilled"
# Each phase read its file exactly once through (jobs/progress.h), and ended done.
assert_eq "check database,check media,database,media" "$(status_field "$status" '[.status.progress[].phase] | join(",")')" "the drill's phases"
assert_eq true "$(status_field "$status" '[.status.progress[] | .done and .bytes == .expectedBytes] | all')" "every phase read its whole file"

# Row counts: every table of the metadata, checked against it.
tables=$(jq '.database.rowCounts | length' "$BACKUPS/$metadata")
rows=$(jq '[.database.rowCounts[]] | add' "$BACKUPS/$metadata")
assert_eq metadata "$(status_field "$status" .status.database.rowCounts.checkedAgainst)" "row counts checked against"
assert_eq "$tables" "$(status_field "$status" .status.database.rowCounts.tables)" "tables checked"
assert_eq "$rows" "$(status_field "$status" .status.database.rowCounts.rows)" "rows loaded"
assert_eq 0 "$(status_field "$status" '.status.database.rowCounts.mismatches | length')" "row count mismatches"
assert_contains "$WORK/stdout" "$tables tables, $rows rows loaded"
# django_migrations: the dump's 4 rows restored; the live one applied since is reported.
assert_eq 4 "$(status_field "$status" .status.database.djangoMigrations.rowsInDump)" "migrations in the dump"
assert_eq 4 "$(status_field "$status" .status.database.djangoMigrations.rowsRestored)" "migrations restored"
assert_eq '["beefont.0003_after_backup"]' "$(jq -c .status.database.djangoMigrations.live.liveOnlyNames "$status")" "migrations only the live database has"
assert_contains "$WORK/stdout" "the live database has 1 the backup lacks (first: beefont.0003_after_backup)"
# Media: every entry of the archive staged and read back.
entries=$(jq '.media.entries' "$BACKUPS/$metadata")
assert_eq "$entries" "$(status_field "$status" .status.media.entries)" "media entries checked"
assert_eq true "$(status_field "$status" .status.media.removed)" "scratch volume removed"
assert_eq true "$(status_field "$status" .status.database.dropped)" "scratch database dropped"
# Timings: the load, the unpack, what a restore would take and the whole drill, in the status and
# the report.
for timing in inputsCheckSeconds databaseLoadSeconds mediaUnpackSeconds restoreSeconds totalSeconds; do
  assert_eq true "$(status_field "$status" ".status.timings.$timing > 0")" "timing $timing"
done
assert_eq true "$(status_field "$status" '.status.timings.totalSeconds >= .status.timings.restoreSeconds')" "total covers the restore's time"
assert_contains "$WORK/stdout" "database loaded in "
assert_contains "$WORK/stdout" "media unpacked in "
assert_contains "$WORK/stdout" "a restore would take about "
echo "drill timings: $(jq -c .status.timings "$status")"

# The verdict, recorded beside the set.
record=$BACKUPS/verified/$set_name.json
[ -f "$record" ] || fail "no verification record $record"
assert_eq Passed "$(jq -r .result "$record")" "recorded result"
assert_eq drill "$(jq -r .by "$record")" "recorded by"
assert_eq true "$(jq '.details.timings.databaseLoadSeconds > 0' "$record")" "timings in the record"
assert_eq "$tables" "$(jq '.details.database.rowCounts.tables' "$record")" "row counts in the record"

# Nothing left, nothing live touched.
scratch_db=$(status_field "$status" .status.scratch.database)
scratch_volume=$(status_field "$status" .status.scratch.volume)
case "$scratch_db" in hk_drill_[0-9]*_[0-9]*_[0-9a-f]*) ;; *) fail "scratch database name $scratch_db" ;; esac
case "$scratch_volume" in hk-drill-[0-9]*-[0-9]*-[0-9a-f]*) ;; *) fail "scratch volume name $scratch_volume" ;; esac
assert_eq "$databases_before" "$(psql_app -c "SELECT datname FROM pg_database ORDER BY 1")" "databases after the drill"
! docker volume inspect "$scratch_volume" >/dev/null 2>&1 || fail "the scratch volume $scratch_volume was left"
[ -z "$(docker ps -aq --filter "label=hivekeeper.io/volume=$scratch_volume")" ] || fail "a helper container of the scratch volume was left"
[ -z "$(docker ps -aq --filter "label=hivekeeper.io/volume=$MEDIA_VOLUME")" ] || fail "a helper container of the live volume was made"
[ ! -e "$BACKUPS/.hivekeeper.journal" ] || fail "the journal was left"
[ -z "$(find "$BACKUPS" -maxdepth 1 -name '.hivekeeper-drill-*')" ] || fail "a scratch folder was left"
assert_eq "$live_db" "$(database_fingerprint)" "live database after the drill"
assert_eq "$live_media" "$(media_fingerprint_of_volume)" "live media after the drill"

# A set named by its timestamp, database only: the media are left out, and a set that does not
# exist is bad usage.
JOB_SERVICE=drill-job run_job drill prod "${set_name##*_prod_}" --no-media
assert_eq 0 "$(job_exit)" "exit code of a database-only drill"
assert_eq null "$(jq -c .status.media "$status")" "media of a database-only drill"
assert_eq null "$(jq -c .status.timings.mediaUnpackSeconds "$status")" "unpack time of a database-only drill"
JOB_SERVICE=drill-job run_job drill prod 2020-01-01_000000
assert_eq 2 "$(job_exit)" "exit code for a set that does not exist"
assert_contains "$WORK/stderr" "no prod (prefix $PROJECT) backup set matches 2020-01-01_000000"
assert_eq "$databases_before" "$(psql_app -c "SELECT datname FROM pg_database ORDER BY 1")" "databases after the other drills"
echo "PASS $TEST_NAME"
