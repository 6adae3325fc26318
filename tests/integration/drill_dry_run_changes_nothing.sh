# `drill --dry-run` only reads and tells: it prints the scratch database and volume it would
# create, the files it would read and the checks that passed, and exits 0; it takes no lock and
# writes no file (the backup directory is byte for byte and time for time the same), creates no
# database, volume or helper container. A drill that would fail (a set that does not exist, a
# role that may not create databases, a database container that is stopped) exits 1 and says why,
# changing nothing either.
source "$(dirname "$0")/lib.sh"
setup_project
start_app_with_a_backup
dump=$(find "$BACKUPS" -maxdepth 1 -name '*_prod_db_app_*.sql.gz' -printf '%f\n')
media=$(find "$BACKUPS" -maxdepth 1 -name '*_prod_media_*.tgz' -printf '%f\n')
metadata=$(find "$BACKUPS" -maxdepth 1 -name '*_prod_2*.json' -printf '%f\n')
psql_app -c "CREATE ROLE reader LOGIN" >/dev/null  # no CREATEDB
# A manifest of its own name: anything a dry run created would carry it as a label.
cat >"$WORK/manifests/drill-dry.yaml" <<'YAML'
apiVersion: hivekeeper.io/v1
kind: DrillJob
metadata:
  name: drill-dry
spec:
  environment: prod
  dryRun: true
YAML
sed 's/^  dryRun: true/  database: {user: reader}\n  dryRun: true/' "$WORK/manifests/drill-dry.yaml" >"$WORK/manifests/drill-reader.yaml"

backup_dir_state() { find "$BACKUPS" -printf '%P %y %s %T@ %m\n' | sort; }
databases() { psql_app -c "SELECT datname FROM pg_database ORDER BY 1"; }
labelled() { docker ps -aq --filter label=hivekeeper.io/job=drill-dry; docker volume ls -q --filter label=hivekeeper.io/job=drill-dry; }
before_dir=$(backup_dir_state)
before_databases=$(databases)
live_db=$(database_fingerprint)

expect_nothing_changed() { # what
  assert_eq "$before_dir" "$(backup_dir_state)" "the backup directory after $1"
  assert_eq "$before_databases" "$(databases)" "databases after $1"
  assert_eq "" "$(labelled)" "containers and volumes labelled for the dry run after $1"
  assert_eq "$live_db" "$(database_fingerprint)" "live database after $1"
}

# 1. It would run: the plan, printed exactly.
JOB_SERVICE=drill-job run_job drill prod --dry-run
assert_eq 0 "$(job_exit)" "exit code of a dry run that would run"
assert_contains "$WORK/stdout" "drill --dry-run of ${metadata%.json}: the drill would run"
for file in "$dump" "$media" "$metadata"; do assert_contains "$WORK/stdout" "reads backups/django/$file"; done
assert_contains "$WORK/stdout" "create the database hk_drill_"
assert_contains "$WORK/stdout" "create the volume hk-drill-"
assert_contains "$WORK/stdout" "never app, the live one"
assert_contains "$WORK/stdout" "answers"
grep -qE '^  ok    the scratch database needs about .* free$' "$WORK/stdout" || fail "no measured free space for the scratch database: $(cat "$WORK/stdout")"
scratch_volume=$(grep -oE 'hk-drill-[0-9]{8}-[0-9]{6}-[0-9a-f]{6}' "$WORK/stdout" | head -n 1)
[ -n "$scratch_volume" ] || fail "no scratch volume named in the dry run's output"
! docker volume inspect "$scratch_volume" >/dev/null 2>&1 || fail "the dry run created $scratch_volume"
expect_nothing_changed "a dry run"

# The same through a manifest with spec.dryRun, run as any manifest is.
JOB_SERVICE=drill-job run_job run -f /manifests/drill-dry.yaml
assert_eq 0 "$(job_exit)" "exit code of a dry-run manifest"
assert_contains "$WORK/stdout" "the drill would run"
expect_nothing_changed "a dry-run manifest"

# 2. It would fail: the set does not exist.
JOB_SERVICE=drill-job run_job drill prod 2020-01-01_000000 --dry-run
assert_eq 1 "$(job_exit)" "exit code of a dry run for a missing set"
assert_contains "$WORK/stdout" "the drill would fail"
assert_contains "$WORK/stdout" "FAIL  no prod (prefix $PROJECT) backup set matches 2020-01-01_000000"
assert_contains "$WORK/stderr" "hivekeeper: the drill would fail: no prod"
expect_nothing_changed "a dry run for a missing set"

# 3. It would fail: the role may not create the scratch database.
JOB_SERVICE=drill-job run_job run -f /manifests/drill-reader.yaml
assert_eq 1 "$(job_exit)" "exit code of a dry run as a role without CREATEDB"
assert_contains "$WORK/stdout" "FAIL  role reader may not create databases"
expect_nothing_changed "a dry run as a role without CREATEDB"

# 4. It would fail: the database container is stopped (and the dry run does not start it).
compose stop -t 5 db >/dev/null 2>&1
JOB_SERVICE=drill-job run_job drill prod --dry-run
assert_eq 1 "$(job_exit)" "exit code of a dry run with the database stopped"
assert_contains "$WORK/stdout" "FAIL"
assert_contains "$WORK/stdout" "not running"
assert_eq false "$(docker inspect -f '{{.State.Running}}' "$(compose ps -aq db)")" "the database container stays stopped"
start_app
expect_nothing_changed "a dry run with the database stopped"
echo "PASS $TEST_NAME"
