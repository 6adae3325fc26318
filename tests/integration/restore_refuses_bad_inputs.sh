# Inputs that must not restore: a truncated .sql.gz, a .tgz with a ../evil entry, a dump
# whose SQL fails in its middle, a dump that is valid gzip but ends before pg_dump's closing
# line (in the middle of a table's data, and between two statements, where every statement sent
# succeeded), and a backup whose metadata holds other row counts than the load gives. Each leaves
# the database and the media volume exactly as they were, with phase Failed and a message naming
# the cause.
source "$(dirname "$0")/lib.sh"
setup_project
start_app_with_a_backup
dump=$(find "$BACKUPS" -maxdepth 1 -name '*_prod_db_app_*.sql.gz' -printf '%f\n')
# Changes after the backup, so a restore that went through would show.
psql_app -c "UPDATE auth_user SET username = username || '-after'" >/dev/null
docker run --rm -v "$MEDIA_VOLUME:/m" "$WEB_IMAGE" bash -c 'echo after > /m/glyphs/g2.svg'
before_db=$(database_fingerprint)
before_media=$(media_fingerprint_of_volume)
status=$BACKUPS/status/restore-prod.json

expect_refused() { # what message-fragment
  assert_eq 1 "$(job_exit)" "exit code for $1"
  assert_eq Failed "$(status_field "$status" .status.phase)" "phase for $1"
  assert_contains "$WORK/stderr" "$2"
  assert_eq "$before_db" "$(database_fingerprint)" "database after $1"
  assert_eq "$before_media" "$(media_fingerprint_of_volume)" "media after $1"
  [ -z "$(docker ps -aq --filter "label=hivekeeper.io/volume=$MEDIA_VOLUME")" ] || fail "a helper container was left behind after $1"
}

# 1. Truncated: the first half of the file. No metadata, so only the stream itself can tell.
size=$(stat -c %s "$BACKUPS/$dump")
head -c $((size / 2)) "$BACKUPS/$dump" >"$BACKUPS/cut_prod_db_app_2026-01-01_000000.sql.gz"
run_restore restore prod cut_prod_db_app_2026-01-01_000000.sql.gz --no-safety-backup
expect_refused "a truncated dump" "cut_prod_db_app_2026-01-01_000000.sql.gz"
assert_contains "$WORK/stderr" "truncated"

# 2. A media archive with a ../evil entry (made with Python's tarfile, as tar itself refuses).
python3 - "$BACKUPS/evil.tgz" <<'PY'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w:gz") as archive:
    for name in ["glyphs/ok.svg", "../evil"]:
        data = b"x" * 10
        info = tarfile.TarInfo(name)
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
PY
run_restore restore prod "$dump" --media evil.tgz --no-safety-backup
expect_refused "a ../evil entry" '"../evil" has a .. component'

# 3. SQL that fails in the middle: a bad statement after the first table's data.
gunzip -c "$BACKUPS/$dump" | awk '{print} /^\\\.$/ && !done {print "SELECT * FROM no_such_table_in_the_middle;"; done=1}' |
  gzip >"$BACKUPS/bad_prod_db_app_2026-01-01_000000.sql.gz"
run_restore restore prod bad_prod_db_app_2026-01-01_000000.sql.gz --no-safety-backup
expect_refused "failing SQL" 'relation "no_such_table_in_the_middle" does not exist'
line=$(gunzip -c "$BACKUPS/bad_prod_db_app_2026-01-01_000000.sql.gz" | grep -n no_such_table | cut -d: -f1)
assert_contains "$WORK/stderr" "at line $line of the dump"
assert_contains "$WORK/stderr" "rolled back"

# 4. Valid gzip, but the SQL stops half-way (a dump cut short when it was made, then
# compressed): only the missing "dump complete" line can tell.
lines=$(gunzip -c "$BACKUPS/$dump" | wc -l)
gunzip -c "$BACKUPS/$dump" | sed -n "1,$((lines / 2))p" | gzip >"$BACKUPS/short_prod_db_app_2026-01-01_000000.sql.gz"
run_restore restore prod short_prod_db_app_2026-01-01_000000.sql.gz --no-safety-backup
expect_refused "a dump without its closing line" 'ends before pg_dump'"'"'s "dump complete" trailer'

# 5. Cut between two statements, right after the first table's data: every statement psql ran
# succeeded, so only the runner's refusal to COMMIT keeps the database as it was.
gunzip -c "$BACKUPS/$dump" | awk '{print} /^\\\.$/ {exit}' | gzip >"$BACKUPS/between_prod_db_app_2026-01-01_000000.sql.gz"
gunzip -c "$BACKUPS/between_prod_db_app_2026-01-01_000000.sql.gz" | tail -n 1 | grep -qx '\\\.' || fail "the cut dump does not end after a table's data"
run_restore restore prod between_prod_db_app_2026-01-01_000000.sql.gz --no-safety-backup
expect_refused "a dump cut between statements" 'ends before pg_dump'"'"'s "dump complete" trailer'

# 6. The metadata says a table holds one row more than the dump loads: the load has run to its
# end when the counts are compared, and is rolled back; the staged media are not swapped in.
metadata=$(find "$BACKUPS" -maxdepth 1 -name '*_prod_2*.json' -printf '%f\n')
cp "$BACKUPS/$metadata" "$WORK/metadata.orig"
jq '.database.rowCounts |= (to_entries | .[0].value += 1 | from_entries)' "$WORK/metadata.orig" >"$BACKUPS/$metadata"
run_restore restore prod "$dump" --media latest --no-safety-backup
expect_refused "a row count mismatch" "rows loaded"
assert_eq RowCountMismatch "$(status_field "$status" '.status.conditions[] | select(.type == "Failed") | .reason')" "reason for a row count mismatch"
cp "$WORK/metadata.orig" "$BACKUPS/$metadata"
echo "PASS $TEST_NAME"
