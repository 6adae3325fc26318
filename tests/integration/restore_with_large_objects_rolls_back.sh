# A restore --reset of a dump with large objects that fails after pg_dump's large-object block
# leaves the database exactly as it was: DROP SCHEMA public included, every table (a marker
# table created just before the restore among them), the sequence, the large objects' number and
# contents. pg_dump's plain format wraps the objects' data in its own BEGIN; ... COMMIT;, and
# issue 11 found that COMMIT ending the restore's transaction: all after it ran in autocommit,
# while the status said "rolled back, the database is unchanged". Two later failures: the load
# completes but its row counts differ from the metadata's (the runner refuses to commit), and a
# statement added right after the block fails.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/hostile_dump.bash"
setup_project
start_app
seed_database
psql_app -c "CREATE TABLE beefont_font_file (id int PRIMARY KEY, name text NOT NULL, data oid NOT NULL)" \
  -c "INSERT INTO beefont_font_file SELECT n, 'font ' || n, lo_from_bytea(0, convert_to(repeat('glyph ' || n, 1000), 'UTF8')) FROM generate_series(1, 3) n" >/dev/null
run_job backup prod
assert_eq 0 "$(job_exit)" "exit code of the backup"
dump=$(find "$BACKUPS" -maxdepth 1 -name '*_prod_db_app_*.sql.gz' -printf '%f\n')
metadata=$(find "$BACKUPS" -maxdepth 1 -name '*_prod_2*.json' -printf '%f\n')
[ "$(dump_line_of "$dump" 'lowrite(')" -gt 0 ] || fail "the dump holds no large object data"
block_end=$(gunzip -c "$BACKUPS/$dump" | awk '/lowrite\(/ {seen = 1} seen && $0 == "COMMIT;" && !end {end = NR} END {print end + 0}')
[ "$block_end" -gt 0 ] || fail "the dump's large-object data is not followed by its own COMMIT;"

# After the backup: rows and one object changed, and a table the --reset's DROP SCHEMA removes.
psql_app -c "SELECT lo_put(data, 0, convert_to('CHANGED', 'UTF8')) FROM beefont_font_file WHERE id = 2" \
  -c "UPDATE auth_user SET username = username || '-after'" -c "DELETE FROM beefont_glyph WHERE id % 2 = 0" \
  -c "CREATE TABLE marker_before_restore (note text)" -c "INSERT INTO marker_before_restore VALUES ('kept')" >/dev/null
state() {
  database_fingerprint
  psql_app -c "SELECT count(*) || ' large objects' FROM pg_largeobject_metadata" \
    -c "SELECT string_agg(format('%s %s', id, md5(lo_get(data))), ', ' ORDER BY id) FROM beefont_font_file" \
    -c "SELECT 'marker: ' || string_agg(note, ',') FROM marker_before_restore"
}
before=$(state)
status=$(restore_status)

expect_rolled_back() { # what
  assert_eq "$before" "$(state)" "database after $1"
  [ "$(job_exit)" != 124 ] || fail "$1: the restore was still running after 120 s"
  assert_eq 1 "$(job_exit)" "exit code for $1"
  assert_eq Failed "$(status_field "$status" .status.phase)" "phase for $1"
}

# 1. The whole dump loads, then the runner refuses to commit: the metadata says a table holds one
# row more.
cp "$BACKUPS/$metadata" "$WORK/metadata.orig"
jq '.database.rowCounts["public.auth_user"] += 1' "$WORK/metadata.orig" >"$BACKUPS/$metadata"
run_restore_within 120 restore prod "$dump" --reset --no-safety-backup
expect_rolled_back "a row count mismatch after the large objects"
assert_eq RowCountMismatch "$(failed_reason "$status")" "reason for a row count mismatch"
cp "$WORK/metadata.orig" "$BACKUPS/$metadata"

# 2. A statement right after the large-object block fails.
edit_dump "$dump" late_prod_db_app_2026-01-01_000000.sql.gz \
  sed "${block_end}a SELECT * FROM no_such_table_after_the_large_objects;"
run_restore_within 120 restore prod late_prod_db_app_2026-01-01_000000.sql.gz --reset --no-safety-backup
expect_rolled_back "a failure after the large objects"
assert_eq RestoreSqlFailed "$(failed_reason "$status")" "reason for a failing statement"
assert_contains "$WORK/stderr" 'relation "no_such_table_after_the_large_objects" does not exist'
echo "PASS $TEST_NAME"
