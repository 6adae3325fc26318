# A small archive that expands to far more than the volume's free space is refused before
# anything is staged: the media volume is a 64 MiB tmpfs (so the machine's disk is never
# filled) and the archive, a few hundred KiB of gzip, holds 200 MB of zeros. Exit 1, phase
# Failed, a message about free space; no staging folder ever appears in the volume (watched
# while the job runs), and volume and database are unchanged. web is never stopped: a tmpfs
# volume lives while a container mounts it.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/hostile_media.bash"
setup_project
sed -i 's/^  media:$/  media:\n    driver_opts: {type: tmpfs, device: tmpfs, o: size=64m}/' "$WORK/compose.yml"
start_app_with_a_backup
assert_eq tmpfs "$(docker volume inspect -f '{{index .Options "type"}}' "$MEDIA_VOLUME")" "type of the media volume"
record_state_before_restore

make_archive "$BACKUPS/expands.tgz" <<'SPEC'
file glyphs/ok.svg 644 <svg/>
zeros uploads/huge-1.bin 100000000
zeros uploads/huge-2.bin 100000000
SPEC
echo "archive of $(stat -c %s "$BACKUPS/expands.tgz") bytes, 200 MB inside, volume of 64 MiB"

# Watches the volume's top for staging folders every 50 ms while the restore runs (removed by
# hostile_media.bash's cleanup).
watcher=$(docker run -d --label "hkt-watcher=$PROJECT" -v "$MEDIA_VOLUME:/m:ro" "$WEB_IMAGE" sh -c '
  while :; do for d in /m/.hivekeeper-*; do [ -e "$d" ] && echo "seen $d"; done; sleep 0.05; done')
restore_archive expands.tgz
seen=$(docker logs "$watcher" 2>&1 | sort -u)
docker rm -f "$watcher" >/dev/null

assert_eq 1 "$(job_exit)" "exit code"
assert_eq Failed "$(status_field "$RESTORE_STATUS" .status.phase)" "phase"
assert_eq "" "$seen" "staging folders seen in the volume during the restore"
grep -qiE 'free space|not enough space' "$WORK/stderr" || fail "the message does not speak of free space: $(cat "$WORK/stderr")"
assert_eq "$BEFORE_MEDIA" "$(media_fingerprint_of_volume)" "media volume"
assert_eq "$BEFORE_DB" "$(database_fingerprint)" "database"
assert_eq "" "$(helper_containers)" "helper containers left"
assert_eq "" "$(hivekeeper_folders_in_volume)" "Hivekeeper folders left in the volume"
echo "PASS $TEST_NAME"
