# Memory stays bounded whatever the number of media files: a media volume of MANY_FILES (default
# 100,000) small files in 312 folders (uploads/YYYY/MM/<n>.txt, as a Django app lays out uploads,
# each file a few bytes of its own content, owned by www-data) plus 50 files at the volume's top
# level backs up with `backup prod --media` and restores with `restore prod --media latest`, the
# volume comes back entry for entry (path, type, mode, owner, size, sha256, mtime; a deleted
# folder, a changed file and added files undone), and the runner's peak memory (the status's
# peakMemoryBytes) stays under 64 MiB in the backup and in the restore. Both peaks and the wall
# times are printed; the memory limit is checked last, so a run that breaks it still reports
# every figure.
#
# What it can catch: the runner's peak is some 24 MiB with few files, so the limit leaves 40 MiB
# for whatever grows with the file count: more than ~400 bytes a file at 100,000 files, ~200 at
# MANY_FILES=200000. (A restore that listed every file in memory peaked at 86 MiB at 100,000
# files, 148 MiB at 200,000; one that keeps some 25 bytes a path peaks near 26 MiB at either:
# the slope of so small a growth is for bench/media_files.sh to measure, at a million files.)
# The default is 100,000 for time: creating and deleting small files is slow on ext4 (the
# restore's swap deletes the old ones, the cleanup the volume): 3.5 min on 2 busy cores at
# 100,000, 4.5 to 6 at 200,000.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/hostile_dump.bash" # run_restore_within, restore_status
files=${MANY_FILES:-100000}
# (at least one file per folder: the change below edits the last folder's first file)
[[ "$files" =~ ^[0-9]+$ ]] && ((files >= 312)) || { echo "MANY_FILES must be a whole number >= 312, got [$files]" >&2; exit 2; }
top_files=50
limit=$((64 * 1024 * 1024))
setup_project
start_app
seed_database

now() { date +%s.%N; }
seconds_since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }

# One container fills the volume: 26 years x 12 months of upload folders, file n in folder
# n mod 312, then the top-level files.
started=$(now)
docker run --rm -i -v "$MEDIA_VOLUME:/m" "$WEB_IMAGE" perl - /m "$files" "$top_files" \
  <"$HK_ROOT/tests/integration/fill_uploads.pl" || fail "cannot fill the media volume"
fill_seconds=$(seconds_since "$started")

# The volume's fingerprint, written to FILE: one line per entry (path, type, mode, owner; size
# and mtime in whole seconds for files, target and mtime for links; folder sizes and mtimes
# change as entries come and go, so they say nothing about the archive), then every file's
# sha256. lib.sh's media_fingerprint says the same (less the owners) but runs five processes
# per file, which takes minutes here; this is find, sort and one sha256sum per few thousand files.
volume_fingerprint() { # file
  docker run --rm -v "$MEDIA_VOLUME:/m:ro" "$WEB_IMAGE" bash -euo pipefail -c '
    cd /m
    find . -mindepth 1 \( -type d -printf "%p dir %m %U:%G\n" \) -o \( -type f -printf "%p file %m %U:%G %s %Ts\n" \) \
      -o \( -type l -printf "%p link %l %U:%G %Ts\n" \) -o -printf "%p other %y\n" | LC_ALL=C sort
    find . -mindepth 1 -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum' >"$1" ||
    fail "cannot read the media volume"
}
count_files() { grep -c '^[^ ]* file ' "$1" || true; }
assert_same_volume() { # expected-file actual-file what
  cmp -s "$1" "$2" && return 0
  echo "---- diff of the volume's fingerprints ($3), first lines:" >&2
  diff "$1" "$2" | head -20 >&2 || true
  fail "$3: the volume differs from the fingerprint in $(basename "$1") ($(diff "$1" "$2" | grep -c '^[<>]' || true) lines differ)"
}

started=$(now)
volume_fingerprint "$WORK/fingerprint-original"
fingerprint_seconds=$(seconds_since "$started")
assert_eq $((files + top_files)) "$(count_files "$WORK/fingerprint-original")" "files in the volume after the fill"
assert_eq 339 "$(grep -c '^[^ ]* dir ' "$WORK/fingerprint-original")" "folders in the volume after the fill"
original_db=$(database_fingerprint)

started=$(now)
run_job backup prod --media
backup_seconds=$(seconds_since "$started")
assert_eq 0 "$(job_exit)" "exit code of the backup"
backup_status=$BACKUPS/status/backup-prod.json
assert_eq Succeeded "$(status_field "$backup_status" .status.phase)" "backup status phase"
backup_peak=$(status_field "$backup_status" .status.peakMemoryBytes)
[[ "$backup_peak" =~ ^[0-9]+$ ]] || fail "no peak memory in the backup's status: [$backup_peak]"
echo "backup of $((files + top_files)) files: $backup_seconds s, peak memory $(mib "$backup_peak")"
archive=$BACKUPS/$(basename "$(status_field "$backup_status" '.status.artifacts[] | select(.kind == "media") | .path')")
[ -f "$archive" ] || fail "the backup's status names no media archive that exists: $archive"
archived_files=$(tar tvzf "$archive" | grep -c '^-' || true)
assert_eq $((files + top_files)) "$archived_files" "regular files in the media archive"

# Change the volume: a whole month deleted, a file changed, files added in a folder and at the
# top (each checked here: a second fingerprint would cost as much as the first); the database
# changed too, since the restore loads the latest dump as well.
docker run --rm -v "$MEDIA_VOLUME:/m" "$WEB_IMAGE" bash -euc '
  rm -r /m/uploads/2001/01
  echo changed > /m/uploads/2026/12/311.txt
  echo added > /m/uploads/2026/12/added-later.txt
  echo added > /m/added-at-top.txt
  [ ! -e /m/uploads/2001/01 ] && [ "$(cat /m/uploads/2026/12/311.txt)" = changed ] &&
    [ -f /m/uploads/2026/12/added-later.txt ] && [ -f /m/added-at-top.txt ]' || fail "cannot change the media volume"
psql_app -c "UPDATE auth_user SET username = username || '-after'" >/dev/null
[ "$(database_fingerprint)" != "$original_db" ] || fail "the change did not change the database"

restore_limit=$((300 + files / 1000))
started=$(now)
run_restore_within "$restore_limit" restore prod --media latest --no-safety-backup
restore_seconds=$(seconds_since "$started")
assert_eq 0 "$(job_exit)" "exit code of the restore (124: still running after $restore_limit s)"
assert_eq Succeeded "$(status_field "$(restore_status)" .status.phase)" "restore status phase"
restore_peak=$(status_field "$(restore_status)" .status.peakMemoryBytes)
[[ "$restore_peak" =~ ^[0-9]+$ ]] || fail "no peak memory in the restore's status: [$restore_peak]"
echo "restore of $((files + top_files)) files: $restore_seconds s, peak memory $(mib "$restore_peak")"
volume_fingerprint "$WORK/fingerprint-restored"
assert_same_volume "$WORK/fingerprint-original" "$WORK/fingerprint-restored" "media after the restore"
assert_eq "$original_db" "$(database_fingerprint)" "database after the restore"
[ -z "$(docker ps -aq --filter "label=hivekeeper.io/volume=$MEDIA_VOLUME")" ] || fail "a helper container was left behind"

echo "figures: $((files + top_files)) files ($(du -h "$archive" | cut -f1) archive); fill $fill_seconds s, one fingerprint $fingerprint_seconds s, backup $backup_seconds s, restore $restore_seconds s; peak memory: backup $(mib "$backup_peak"), restore $(mib "$restore_peak") (limit 64 MiB)"
if [ "$backup_peak" -ge "$limit" ] || [ "$restore_peak" -ge "$limit" ]; then
  fail "peak memory at 64 MiB or over: backup $(mib "$backup_peak"), restore $(mib "$restore_peak")"
fi
echo "PASS $TEST_NAME"
