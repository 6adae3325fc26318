# A restore whose SQL fails near the end of the dump ends within seconds of psql stopping, as
# one failing in the middle does (restore_refuses_bad_inputs): exit code 1, reason
# RestoreSqlFailed, psql's error and the dump's line number in stderr and in the status, the
# database as it was, and no psql or gzip of the restore left in the database container. The
# failures: the dump's last statement (a foreign key naming a missing column, in the post-data
# section), a statement after pg_dump's "dump complete" trailer, and the first statement. Issue
# 11: a late failure ran until stopped by hand (psql had exited, `gzip -dc` in the database
# container waited for more input, the runner for psql's output). Each restore runs under
# `timeout 120`.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/hostile_dump.bash"
setup_project
start_app
seed_database
run_job backup prod
assert_eq 0 "$(job_exit)" "exit code of the backup"
dump=$(find "$BACKUPS" -maxdepth 1 -name '*_prod_db_app_*.sql.gz' -printf '%f\n')
# Changes after the backup, so a restore that went through would show.
psql_app -c "UPDATE auth_user SET username = username || '-after'" -c "DELETE FROM beefont_glyph WHERE id % 2 = 0" >/dev/null
before_db=$(database_fingerprint)
status=$(restore_status)

expect_ended_with_sql_error() { # what psql-error line
  local code seconds
  code=$(job_exit)
  seconds=$(job_seconds)
  [ "$code" != 124 ] || fail "$1: the restore was still running after 120 s"
  assert_eq 1 "$code" "exit code for $1"
  [ "$seconds" -lt 30 ] || fail "$1: the restore took $seconds s to end"
  assert_eq Failed "$(status_field "$status" .status.phase)" "phase for $1"
  assert_eq RestoreSqlFailed "$(failed_reason "$status")" "reason for $1"
  assert_contains "$WORK/stderr" "$2"
  status_field "$status" .status.message | grep -qF -- "$2" || fail "the status message for $1 does not quote psql's error [$2]"
  assert_names_line "$3" "$status"
  assert_eq "$before_db" "$(database_fingerprint)" "database after $1"
  assert_eq "" "$(restore_processes_left)" "psql or gzip left in the database container after $1"
}

# 1. The dump's last statement, in the post-data section: its last foreign key names a column
# the table lacks.
last_fk=$(gunzip -c "$BACKUPS/$dump" | grep -n 'ADD CONSTRAINT .* FOREIGN KEY (' | tail -n 1 | cut -d: -f1)
[ -n "$last_fk" ] || fail "the dump has no foreign key"
edit_dump "$dump" postdata_prod_db_app_2026-01-01_000000.sql.gz \
  sed "${last_fk}s/FOREIGN KEY ([a-z_]*)/FOREIGN KEY (no_such_column)/"
assert_eq 0 "$(gunzip -c "$BACKUPS/postdata_prod_db_app_2026-01-01_000000.sql.gz" |
  awk -v n="$last_fk" 'NR > n && /^(CREATE|ALTER|SELECT|COPY|SET) /' | wc -l)" "statements after the broken foreign key"
run_restore_within 120 restore prod postdata_prod_db_app_2026-01-01_000000.sql.gz --no-safety-backup
expect_ended_with_sql_error "a failure in post-data" \
  'column "no_such_column" referenced in foreign key constraint does not exist' "$last_fk"

# 2. A statement after pg_dump's closing lines.
edit_dump "$dump" trailer_prod_db_app_2026-01-01_000000.sql.gz append_lines "SELECT * FROM no_such_table_after_the_trailer;"
line=$(dump_line_count trailer_prod_db_app_2026-01-01_000000.sql.gz)
[ "$(dump_line_of trailer_prod_db_app_2026-01-01_000000.sql.gz '-- PostgreSQL database dump complete')" -lt "$line" ] ||
  fail "the failing statement does not follow the trailer"
run_restore_within 120 restore prod trailer_prod_db_app_2026-01-01_000000.sql.gz --no-safety-backup
expect_ended_with_sql_error "a failure after the trailer" \
  'relation "no_such_table_after_the_trailer" does not exist' "$line"

# 3. The first statement.
edit_dump "$dump" first_prod_db_app_2026-01-01_000000.sql.gz insert_before_first "SET " "SELECT * FROM no_such_table_first;"
line=$(dump_line_of first_prod_db_app_2026-01-01_000000.sql.gz no_such_table_first)
run_restore_within 120 restore prod first_prod_db_app_2026-01-01_000000.sql.gz --no-safety-backup
expect_ended_with_sql_error "a failure in the first statement" \
  'relation "no_such_table_first" does not exist' "$line"
echo "PASS $TEST_NAME"
