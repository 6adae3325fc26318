# Large objects round-trip: a table whose oid column names large objects (made with lo_from_bytea,
# one empty, one larger than pg_dump's 16 KiB write chunks, and one lo_import of a server file),
# backed up with Hivekeeper, then changed (one object rewritten, one unlinked with its row), comes
# back with every object's content after `restore --reset`. pg_dump's plain format writes the
# objects' data inside its own BEGIN; ... COMMIT;, which the restore must load inside its single
# transaction (issue 11). Passes against main as of 73f7e9b: it guards the round trip while that
# COMMIT is dealt with (restore_with_large_objects_rolls_back checks the rollback).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/hostile_dump.bash"
setup_project
start_app
seed_database
psql_app -c "CREATE TABLE beefont_font_file (id int PRIMARY KEY, name text NOT NULL, data oid NOT NULL)" \
  -c "INSERT INTO beefont_font_file VALUES
        (1, 'small.ttf', lo_from_bytea(0, convert_to('a small font', 'UTF8'))),
        (2, 'empty.ttf', lo_from_bytea(0, '')),
        (3, 'large.otf', lo_from_bytea(0, (SELECT string_agg(decode(md5(n::text), 'hex'), '') FROM generate_series(1, 20000) n))),
        (4, 'imported', lo_import('/etc/os-release'))" >/dev/null
large_objects() { # each row's id, name, object size and md5, and how many objects there are
  psql_app -c "SELECT string_agg(format('%s %s %s %s', id, name, length(lo_get(data)), md5(lo_get(data))), ', ' ORDER BY id) FROM beefont_font_file" \
    -c "SELECT count(*) || ' large objects' FROM pg_largeobject_metadata"
}
original_db=$(database_fingerprint)
original_objects=$(large_objects)

run_job backup prod
assert_eq 0 "$(job_exit)" "exit code of the backup"
dump=$(find "$BACKUPS" -maxdepth 1 -name '*_prod_db_app_*.sql.gz' -printf '%f\n')
# The dump holds the objects' data in pg_dump's own transaction block, as this suite means to test.
[ "$(dump_line_of "$dump" 'lowrite(')" -gt 0 ] || fail "the dump holds no large object data"
[ "$(dump_line_of "$dump" 'BEGIN;')" -gt 0 ] || fail "the dump has no BEGIN; of its own"

psql_app -c "SELECT lo_put(data, 0, convert_to('CHANGED', 'UTF8')) FROM beefont_font_file WHERE id = 3" \
  -c "SELECT lo_unlink(data) FROM beefont_font_file WHERE id = 1" -c "DELETE FROM beefont_font_file WHERE id = 1" \
  -c "UPDATE auth_user SET username = username || '-changed'" >/dev/null
[ "$(large_objects)" != "$original_objects" ] || fail "the damage did not change the large objects"

run_restore_within 120 restore prod --reset --no-safety-backup
assert_eq 0 "$(job_exit)" "exit code of the restore"
assert_eq Succeeded "$(status_field "$(restore_status)" .status.phase)" "status phase"
assert_eq "$original_objects" "$(large_objects)" "large objects after the restore"
assert_eq "$original_db" "$(database_fingerprint)" "database after the restore"
echo "PASS $TEST_NAME"
