# A drill interrupted while it loads a big table leaves no scratch database or volume behind:
# SIGTERM (docker stop, a deadline) drops the database (ending the load's session) and removes the
# volume and its helper before the job exits 1 with reason Interrupted and no verdict recorded;
# SIGKILL runs none of that, and `hivekeeper recover` (or the next job) drops what the drill's
# journal names and marks its status Killed. The live database and media are untouched either way.
source "$(dirname "$0")/lib.sh"
setup_project
start_app
seed_database
seed_media
create_bulk_table 1500000
run_job backup prod --media
assert_eq 0 "$(job_exit)" "exit code of the backup"
live_db=$(database_fingerprint)
live_bulk=$(bulk_summary)
live_media=$(media_fingerprint_of_volume)
status=$BACKUPS/status/drill-prod.json
scratch_databases() { psql_app -c "SELECT datname FROM pg_database WHERE datname LIKE 'hk_drill_%'"; }

# Starts `drill prod` in the background, returns once it loads the big table into its scratch
# database; sets JOB to its pid, SCRATCH_DB and SCRATCH_VOLUME to its scratch names.
start_drill_and_wait_for_the_load() {
  compose run --rm -T --name "$PROJECT-drill" drill-job >"$WORK/stdout" 2>"$WORK/stderr" &
  JOB=$!
  [ -n "$(pid_loading_bulk)" ] || fail "the drill never began to load the big table"
  SCRATCH_DB=$(status_field "$status" .status.scratch.database)
  SCRATCH_VOLUME=$(status_field "$status" .status.scratch.volume)
  assert_eq "$SCRATCH_DB" "$(scratch_databases)" "the scratch database while loading"
  docker volume inspect "$SCRATCH_VOLUME" >/dev/null || fail "no scratch volume while loading"
}

assert_nothing_left() { # what
  assert_eq "" "$(scratch_databases)" "scratch databases after $1"
  ! docker volume inspect "$SCRATCH_VOLUME" >/dev/null 2>&1 || fail "the scratch volume was left after $1"
  [ -z "$(docker ps -aq --filter "label=hivekeeper.io/volume=$SCRATCH_VOLUME")" ] || fail "a helper was left after $1"
  [ ! -e "$BACKUPS/.hivekeeper.journal" ] || fail "the journal was left after $1"
  assert_eq "$live_db" "$(database_fingerprint)" "live database after $1"
  assert_eq "$live_bulk" "$(bulk_summary)" "live big table after $1"
  assert_eq "$live_media" "$(media_fingerprint_of_volume)" "live media after $1"
}

# 1. SIGTERM: the drill cleans up itself.
start_drill_and_wait_for_the_load
docker kill --signal TERM "$PROJECT-drill" >/dev/null
set +e
wait "$JOB"
code=$?
set -e
assert_eq 1 "$code" "exit code after SIGTERM"
assert_contains "$WORK/stdout" "DrillJob drill-prod Failed: interrupted by SIGTERM"
assert_eq Interrupted "$(status_field "$status" '.status.conditions[] | select(.type == "Failed") | .reason')" "reason after SIGTERM"
[ ! -e "$BACKUPS/verified" ] || fail "an interrupted drill recorded a verdict: $(ls "$BACKUPS/verified")"
assert_nothing_left SIGTERM

# 2. SIGKILL: the scratch database and volume stay until the next job on the directory.
start_drill_and_wait_for_the_load
docker kill --signal KILL "$PROJECT-drill" >/dev/null
set +e
wait "$JOB"
set -e
docker rm -f "$PROJECT-drill" >/dev/null 2>&1 || true
assert_eq "$SCRATCH_DB" "$(scratch_databases)" "the scratch database right after SIGKILL"
JOB_SERVICE=drill-job run_job recover
assert_eq 0 "$(job_exit)" "exit code of recover"
assert_contains "$WORK/stderr" "recovery: dropped the scratch database $SCRATCH_DB"
assert_contains "$WORK/stderr" "recovery: removed the scratch volume $SCRATCH_VOLUME"
assert_eq Killed "$(status_field "$status" '.status.conditions[] | select(.type == "Failed") | .reason')" "reason of the killed drill"
assert_nothing_left SIGKILL
echo "PASS $TEST_NAME"
