# A drill proves a set restores, so a damaged set must fail it: bytes flipped inside the dump's
# gzip stream, and separately inside the media archive, each fail the drill with exit 1, naming the
# file and the problem in the report, the status and the verification record (result Failed); a
# dump edited to run a shell command (its metadata's sha256 updated to match) is refused by the
# restore's own checker before anything reaches the server. Every time the scratch database and
# volume are gone afterwards, and the live database and media volume are as they were.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/hostile_dump.bash"
setup_project
start_app_with_a_backup
dump=$(find "$BACKUPS" -maxdepth 1 -name '*_prod_db_app_*.sql.gz' -printf '%f\n')
media=$(find "$BACKUPS" -maxdepth 1 -name '*_prod_media_*.tgz' -printf '%f\n')
metadata=$(find "$BACKUPS" -maxdepth 1 -name '*_prod_2*.json' -printf '%f\n')
set_name=${metadata%.json}
for file in "$dump" "$media" "$metadata"; do cp "$BACKUPS/$file" "$WORK/$file.orig"; done
live_db=$(database_fingerprint)
live_media=$(media_fingerprint_of_volume)
databases_before=$(psql_app -c "SELECT datname FROM pg_database ORDER BY 1")
status=$BACKUPS/status/drill-prod.json
record=$BACKUPS/verified/$set_name.json

# Overwrites COUNT bytes at the middle of FILE with their complement: the file keeps its size.
flip_middle() { # file count
  python3 - "$1" "$2" <<'PY'
import sys
path, count = sys.argv[1], int(sys.argv[2])
with open(path, "r+b") as f:
    data = bytearray(f.read())
    middle = len(data) // 2
    for i in range(middle, middle + count):
        data[i] ^= 0xFF
    f.seek(0)
    f.write(data)
PY
}

restore_originals() {
  for file in "$dump" "$media" "$metadata"; do cp "$WORK/$file.orig" "$BACKUPS/$file"; done
}

# The drill failed because of FILE, with PROBLEM (a fragment of the message) in the report, the
# status and the record; nothing of it is left and nothing live changed.
expect_failed_drill() { # what file problem
  assert_eq 1 "$(job_exit)" "exit code of the drill of $1"
  assert_contains "$WORK/stdout" "drill of $set_name: FAILED"
  assert_contains "$WORK/stdout" "problem   $2: "
  assert_contains "$WORK/stdout" "$3"
  assert_contains "$WORK/stderr" "$2"
  assert_eq Failed "$(status_field "$status" .status.phase)" "phase after $1"
  status_field "$status" .status.message | grep -qF "$2" || fail "the status message does not name $2: $(status_field "$status" .status.message)"
  assert_eq Failed "$(jq -r .result "$record")" "recorded result after $1"
  jq -r '.problems[]' "$record" | grep -qF "$2: " || fail "the record's problems do not name $2: $(jq -c .problems "$record")"
  assert_eq "$databases_before" "$(psql_app -c "SELECT datname FROM pg_database ORDER BY 1")" "databases after $1"
  local volume
  volume=$(status_field "$status" .status.scratch.volume)
  ! docker volume inspect "$volume" >/dev/null 2>&1 || fail "the scratch volume $volume was left after $1"
  [ -z "$(docker ps -aq --filter "label=hivekeeper.io/volume=$volume")" ] || fail "a helper was left after $1"
  [ ! -e "$BACKUPS/.hivekeeper.journal" ] || fail "the journal was left after $1"
  assert_eq "$live_db" "$(database_fingerprint)" "live database after $1"
  assert_eq "$live_media" "$(media_fingerprint_of_volume)" "live media after $1"
  echo "$1: $(status_field "$status" '.status.conditions[] | select(.type == "Failed") | .reason'): $(jq -r '.problems[0]' "$record" | cut -c1-200)"
}

# 1. The dump's gzip stream damaged in its middle: the drill's read of it fails, on the deflate
# data when the flipped bytes break it, else on the sha256 the metadata records (libarchive does
# not check a gzip member's CRC), before any scratch database is created; the media are still
# checked.
flip_middle "$BACKUPS/$dump" 16
JOB_SERVICE=drill-job run_job drill prod
expect_failed_drill "a damaged dump" "$dump" "$dump"
case "$(status_field "$status" '.status.conditions[] | select(.type == "Failed") | .reason')" in
  BackupFileUnreadable | ChecksumMismatch) ;;
  *) fail "reason for a damaged dump: $(status_field "$status" '.status.conditions[] | select(.type == "Failed") | .reason')" ;;
esac
assert_eq null "$(jq -c .status.database "$status")" "a scratch database for a dump that cannot be read"
assert_eq true "$(status_field "$status" .status.media.removed)" "the media were still checked, and removed"
restore_originals

# 2. The media archive damaged in its middle: the database is restored and checked in its scratch
# database (then dropped); the archive fails.
flip_middle "$BACKUPS/$media" 16
JOB_SERVICE=drill-job run_job drill prod
expect_failed_drill "a damaged media archive" "$media" "$media"
assert_eq true "$(status_field "$status" .status.database.dropped)" "scratch database dropped"
assert_eq 0 "$(status_field "$status" '.status.database.rowCounts.mismatches | length')" "the database half passed"
restore_originals

# 3. A dump that runs a shell command through psql, with a metadata that vouches for it: the
# restore's checker refuses it before a byte reaches the server.
shell_in_dump() {
  without_restrict | insert_after_line "SELECT pg_catalog.set_config('search_path', '', false);" 1 '\! touch /tmp/hk-drill-pwned'
}
edit_dump "$dump" "$dump.edited" shell_in_dump
mv "$BACKUPS/$dump.edited" "$BACKUPS/$dump"
[ "$(dump_line_of "$dump" '\! touch /tmp/hk-drill-pwned')" -gt 0 ] || fail "the shell command is not in the edited dump"
jq --arg sha "$(sha256sum "$BACKUPS/$dump" | cut -d' ' -f1)" --argjson bytes "$(stat -c %s "$BACKUPS/$dump")" \
  '(.artifacts[] | select(.kind == "database")) |= (.sha256 = $sha | .bytes = $bytes)' \
  "$WORK/$metadata.orig" >"$BACKUPS/$metadata"
JOB_SERVICE=drill-job run_job drill prod
expect_failed_drill "a dump with a shell command" "$dump" "psql meta-command"
assert_eq DumpNotRestorable "$(status_field "$status" '.status.conditions[] | select(.type == "Failed") | .reason')" "reason for a hostile dump"
! db_path_exists /tmp/hk-drill-pwned || fail "the shell command in the dump ran"
restore_originals

# The set itself is fine again: the drill passes and the record says so.
JOB_SERVICE=drill-job run_job drill prod
assert_eq 0 "$(job_exit)" "exit code of the drill of the repaired set"
assert_eq Passed "$(jq -r .result "$record")" "recorded result of the repaired set"
echo "PASS $TEST_NAME"
