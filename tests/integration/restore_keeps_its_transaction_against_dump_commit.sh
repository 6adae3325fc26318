# Transaction control is the runner's alone: a dump holding a bare COMMIT, ROLLBACK, END, COMMIT
# AND CHAIN or BEGIN outside COPY data (not pg_dump's own large-object block) never ends the
# restore's transaction. Whether the runner refuses such a dump before sending it or neutralises
# the statement, a failure later in the dump leaves the database exactly as it was, --reset's
# DROP SCHEMA included (a marker table created before the restore survives). Issue 11: the
# dump's COMMIT committed the restore so far and everything after it ran in autocommit, while the
# status said "rolled back, the database is unchanged". Each statement comes right after pg_dump's
# search_path line, before the dump's first DROP; the failing statement after the first table's
# data. Last, COPY rows that read "COMMIT;" or "BEGIN;" are data and restore as such.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/hostile_dump.bash"
setup_project
start_app
seed_database
psql_app -c "CREATE TABLE beefont_script (line text)" \
  -c "INSERT INTO beefont_script VALUES ('COMMIT;'), ('BEGIN;'), ('ROLLBACK;'), ('END;')" >/dev/null
original_db=$(database_fingerprint)
run_job backup prod
assert_eq 0 "$(job_exit)" "exit code of the backup"
dump=$(find "$BACKUPS" -maxdepth 1 -name '*_prod_db_app_*.sql.gz' -printf '%f\n')
search_path="SELECT pg_catalog.set_config('search_path', '', false);"
[ "$(dump_line_of "$dump" "$search_path")" -gt 0 ] || fail "no search_path line in the dump"

psql_app -c "UPDATE auth_user SET username = username || '-after'" -c "DELETE FROM beefont_glyph WHERE id % 2 = 0" \
  -c "CREATE TABLE marker_before_restore (note text)" -c "INSERT INTO marker_before_restore VALUES ('kept')" >/dev/null
before_db=$(database_fingerprint)
status=$(restore_status)

with_statement() { # statement: the filter that puts it in a backup's SQL, and a failure later
  insert_after_line "$search_path" 1 "$1" |
    insert_after_line '\.' 1 "SELECT * FROM no_such_table_after_$n;"
}

n=0
expect_unchanged() { # statement line
  n=$((n + 1))
  local file=tx${n}_prod_db_app_2026-01-01_000000.sql.gz
  edit_dump "$dump" "$file" with_statement "$1"
  [ "$(dump_line_of "$file" "no_such_table_after_$n")" -gt "$(dump_line_of "$file" "$search_path")" ] || fail "the hostile dump for [$1] is not as meant"
  run_restore_within 60 restore prod "$file" --reset --no-safety-backup
  [ "$(job_exit)" != 124 ] || fail "[$1]: the restore was still running after 60 s"
  assert_eq 1 "$(job_exit)" "exit code for [$1]"
  assert_eq Failed "$(status_field "$status" .status.phase)" "phase for [$1]"
  assert_eq "$before_db" "$(database_fingerprint)" "database after a dump with [$1] that fails later"
}

expect_unchanged 'COMMIT;'
expect_unchanged 'ROLLBACK;'
expect_unchanged 'END;'
expect_unchanged 'COMMIT AND CHAIN;'
expect_unchanged '  commit ;'
expect_unchanged 'SELECT 1; COMMIT;'
expect_unchanged 'BEGIN;'

# COPY rows reading "COMMIT;" and "BEGIN;" are data: the unedited backup restores them.
run_restore_within 60 restore prod "$dump" --reset --no-safety-backup
assert_eq 0 "$(job_exit)" "exit code restoring the unedited backup"
assert_eq "$original_db" "$(database_fingerprint)" "database after restoring the unedited backup"
echo "PASS $TEST_NAME"
