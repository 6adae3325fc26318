# Progress per phase, the three ways a user reads it: JSON lines on stderr without a terminal, a
# live line per phase on a terminal (a real pty: `script`), and status.progress, which a status
# reader sees change while the job runs. Expected totals come from the database's size on the
# first backup, from the previous set's own figures on the next, and from the files' sizes (exact)
# in a restore.
source "$(dirname "$0")/lib.sh"
setup_project
start_app
seed_database
seed_media
create_bulk_table 1500000
STATUS=$BACKUPS/status/backup-prod.json

progress_lines() { grep '^{' "$WORK/stderr" | jq -c 'select(.progress) | .progress'; }

# 1. The first backup, watched through its status file while it runs.
(
  for _ in $(seq 1 600); do
    [ -f "$STATUS" ] && jq -c 'select(.status.phase == "Running") | .status.progress // empty | .[]' "$STATUS" 2>/dev/null
    sleep 0.1
  done >"$WORK/seen-while-running"
) &
watcher=$!
run_job backup prod --media --progress json --progress-interval 1
kill "$watcher" 2>/dev/null || true
wait "$watcher" 2>/dev/null || true
assert_eq 0 "$(job_exit)" "exit code of the first backup"

running=$(jq -s '[.[] | select(.phase == "database" and .done == false and .bytes > 0)] | length' "$WORK/seen-while-running")
[ "$running" -ge 1 ] || fail "no status.progress of a running dump was seen while the job ran: $(sort -u "$WORK/seen-while-running" | head -5)"

progress_lines >"$WORK/lines-1"
# (a line may come before pg_dump's first byte: 0 bytes, no rate yet)
mid=$(jq -s '[.[] | select(.phase == "database" and .done == false and .bytes > 0)] | length' "$WORK/lines-1")
[ "$mid" -ge 1 ] || fail "no JSON progress line while the dump ran: $(head -c 1500 "$WORK/lines-1")"
jq -se 'map(select(.phase == "database" and .done == false and .bytes > 0)) | .[0]
        | (.bytesPerSecond > 0) and (.expectedFrom == "database size") and (.expectedBytes > 0)
          and has("etaSeconds") and has("percent") and has("elapsedSeconds")' "$WORK/lines-1" >/dev/null ||
  fail "a running phase's JSON line lacks its fields: $(head -c 800 "$WORK/lines-1")"
for phase in database media; do
  assert_eq 1 "$(jq -s "[.[] | select(.phase == \"$phase\" and .done)] | length" "$WORK/lines-1")" "JSON lines announcing $phase done"
done

metadata_1=$BACKUPS/$(basename "$(jq -r '.status.artifacts[] | select(.kind == "metadata") | .path' "$STATUS")")
sql_bytes=$(jq .database.sqlBytes "$metadata_1")
[ "$sql_bytes" -gt 100000000 ] || fail "metadata records sqlBytes $sql_bytes for a dump of 1.5 M rows"
assert_eq "$sql_bytes" "$(jq '.status.progress[] | select(.phase == "database") | .bytes' "$STATUS")" "final status.progress bytes of the dump = the metadata's sqlBytes"
assert_eq "true true" "$(jq -r '[.status.progress[].done] | map(tostring) | join(" ")' "$STATUS")" "every phase done in the final status"
# No earlier set: the volume was measured (du in a helper container) while the backup ran.
assert_eq "volume size" "$(jq -r '.status.progress[] | select(.phase == "media") | .expectedFrom' "$STATUS")" "the first backup's expected media size"
volume_bytes=$(jq '.status.progress[] | select(.phase == "media") | .expectedBytes' "$STATUS")
content_bytes=$(jq .media.contentBytes "$metadata_1")
[ "$volume_bytes" -ge "$content_bytes" ] && [ "$volume_bytes" -le $((content_bytes + 1048576)) ] ||
  fail "the volume measured $volume_bytes bytes; its files hold $content_bytes"
[ -z "$(docker ps -aq --filter "label=hivekeeper.io/job" --filter "name=hivekeeper-size-")" ] || fail "the sizing helper container was left behind"

# 2. The next backup expects what the previous set held; on a terminal it draws live lines.
sleep 1  # a new second: a new set name
set +e
script -qec "docker compose --project-name $PROJECT --project-directory $WORK -f $WORK/compose.yml \
  -f $WORK/hivekeeper.yml run --rm backup-job backup prod --media" /dev/null >"$WORK/terminal" 2>&1
code=$?
set -e
assert_eq 0 "$code" "exit code of the backup on a terminal"
grep -q $'\x1b\[[0-9]*A' "$WORK/terminal" || fail "no live line was redrawn in place: $(head -c 1500 "$WORK/terminal" | cat -v)"
grep -aqE 'database +[0-9.]+ [KMG]iB of ~[0-9.]+ [KMG]iB \([0-9]+%\) .*ETA [0-9]+:[0-9]{2}' "$WORK/terminal" ||
  fail "no live database line with its expected total and ETA: $(head -c 1500 "$WORK/terminal" | cat -v)"
grep -aqE 'database +[0-9.]+ [KMG]iB  done in' "$WORK/terminal" || fail "the dump's line does not end done"
grep -aqE 'media +[0-9.]+ [KMG]iB  done in' "$WORK/terminal" || fail "the media's line does not end done"
grep -aq '"progress"' "$WORK/terminal" && fail "JSON progress lines on a terminal"
assert_eq "previous set" "$(jq -r '.status.progress[] | select(.phase == "database") | .expectedFrom' "$STATUS")" "the second backup's expected dump size"
assert_eq "$sql_bytes" "$(jq '.status.progress[] | select(.phase == "database") | .expectedBytes' "$STATUS")" "expected = the previous set's sqlBytes"
assert_eq "previous set" "$(jq -r '.status.progress[] | select(.phase == "media") | .expectedFrom' "$STATUS")" "the second backup's expected media size"

# 3. A restore: its checks, safety backup, load and staging, each against an exact file size.
run_restore restore prod --reset --media latest --progress json --progress-interval 1
assert_eq 0 "$(job_exit)" "exit code of the restore"
RESTORE_STATUS=$(find "$BACKUPS/status" -name 'restore-*.json' | head -1)
assert_eq "check database,check media,safety database,safety media,database,media" \
  "$(jq -r '[.status.progress[].phase] | join(",")' "$RESTORE_STATUS")" "the restore's phases"
jq -e '[.status.progress[] | select(.phase | test("^(check |)(database|media)$"))
        | (.done and .expectedFrom == "file size" and .bytes == .expectedBytes)] | all' "$RESTORE_STATUS" >/dev/null ||
  fail "a restore phase did not read exactly its file: $(jq -c .status.progress "$RESTORE_STATUS")"
progress_lines >"$WORK/lines-restore"
assert_eq 6 "$(jq -s '[.[] | select(.done)] | length' "$WORK/lines-restore")" "JSON lines announcing a restore phase done"

# 4. --progress off: no progress lines, the status still has them.
sleep 1
run_job backup prod --progress off
assert_eq 0 "$(job_exit)" "exit code with --progress off"
grep -q '"progress"' "$WORK/stderr" && fail "--progress off still wrote progress lines"
assert_eq true "$(jq '.status.progress[0].done' "$STATUS")" "status.progress with --progress off"
echo "PASS $TEST_NAME"
