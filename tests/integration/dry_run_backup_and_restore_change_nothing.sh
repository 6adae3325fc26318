# --dry-run on backup and restore (and prune) checks what it can and changes nothing: with the directory's
# lock held by someone else (a dry run takes no lock) it answers at once, exit 0, naming the files
# it would write, the safety backup, the schema reset and the media swap; afterwards the backup
# directory (every file, its size and mtime), the database, the media volume and the engine's
# containers are exactly as before. With the database stopped, or a damaged dump, it exits 1
# naming the problem, still writing nothing.
source "$(dirname "$0")/lib.sh"
setup_project
start_app_with_a_backup

snapshot() { # everything a job could have changed in the backup directory
  find "$BACKUPS" -printf '%P %s %T@ %m\n' | sort
}
containers() { # this project's, and any helper container on its media volume
  docker ps -aq --filter "label=com.docker.compose.project=$PROJECT" | sort
  docker ps -aq --filter "label=hivekeeper.io/volume=$MEDIA_VOLUME"
}

before_files=$(snapshot)
before_database=$(database_fingerprint)
before_media=$(media_fingerprint_of_volume)
before_containers=$(containers)
prefix=$PROJECT

# Someone holds the directory's lock for the whole test: a dry run must not wait for it. This
# shell holds it itself, on a descriptor, so no process outlives the suite.
exec 9>>"$BACKUPS/.hivekeeper.lock"
flock -n 9 || fail "could not take the directory's lock"
before_files=$(snapshot)

start=$(date +%s)
run_job backup prod --media --dry-run
assert_eq 0 "$(job_exit)" "exit code of backup --dry-run"
assert_contains "$WORK/stdout" "backup --dry-run: the backup would run"
assert_contains "$WORK/stdout" "${prefix}_prod_db_app_"
assert_contains "$WORK/stdout" "${prefix}_prod_media_"
assert_contains "$WORK/stdout" "is writable"

latest=$(cd "$BACKUPS" && ls ${prefix}_prod_db_app_*.sql.gz | sort | tail -1)
run_restore restore prod --reset --media latest --dry-run
assert_eq 0 "$(job_exit)" "exit code of restore --dry-run"
assert_contains "$WORK/stdout" "restore --dry-run: the restore would run"
assert_contains "$WORK/stdout" "take a safety backup of what it overwrites: ${prefix}_prod_pre-restore_db_app_"
assert_contains "$WORK/stdout" "drop and recreate the public schema, then load backups/django/$latest"
assert_contains "$WORK/stdout" "replace the content of media"
assert_contains "$WORK/stdout" "passes the dump checker"
run_job prune prod --keep-last 1 --dry-run
assert_eq 0 "$(job_exit)" "exit code of prune --dry-run"
assert_contains "$WORK/stdout" "dry run: nothing was changed"
elapsed=$(($(date +%s) - start))
[ "$elapsed" -lt 120 ] || fail "the dry runs took ${elapsed}s: did they wait for the lock?"

assert_eq "$before_files" "$(snapshot)" "the backup directory after the dry runs"
assert_eq "$before_database" "$(database_fingerprint)" "the database after the dry runs"
assert_eq "$before_media" "$(media_fingerprint_of_volume)" "the media after the dry runs"
assert_eq "$before_containers" "$(containers)" "the engine's containers after the dry runs"

# A damaged dump: the restore would fail, and says why.
damaged=${prefix}_prod_db_app_2020-01-01_000000.sql.gz
head -c 100 "$BACKUPS/$latest" >"$BACKUPS/$damaged"
before_files=$(snapshot)
run_restore restore prod "$damaged" --dry-run
assert_eq 1 "$(job_exit)" "exit code of restore --dry-run of a truncated dump"
assert_contains "$WORK/stdout" "the restore would fail"
assert_contains "$WORK/stdout" "FAIL"
assert_contains "$WORK/stderr" "$damaged"

# The database stopped: the backup would fail, naming the container.
compose stop db >/dev/null 2>&1
run_job backup prod --dry-run
assert_eq 1 "$(job_exit)" "exit code of backup --dry-run with the database stopped"
assert_contains "$WORK/stdout" "the backup would fail"
assert_contains "$WORK/stderr" "not running"
assert_eq "$before_files" "$(snapshot)" "the backup directory after the failing dry runs"
exec 9>&-
echo "PASS $TEST_NAME"
