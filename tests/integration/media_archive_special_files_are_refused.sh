# Guards the README's MediaArchiveUnsafe promise for entries that are not files, folders or
# links: an archive with a FIFO, and one with a character device (the null device's numbers),
# are each refused before anything is written, naming the entry; volume and database unchanged.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/hostile_media.bash"
setup_project
start_app_with_a_backup
record_state_before_restore

make_archive "$BACKUPS/fifo.tgz" <<'SPEC'
file glyphs/ok.svg 644 <svg/>
fifo uploads/pipe
SPEC
restore_archive fifo.tgz
assert_refused_as_unsafe "a FIFO" "uploads/pipe"

make_archive "$BACKUPS/device.tgz" <<'SPEC'
file glyphs/ok.svg 644 <svg/>
chardev uploads/null 1 3
SPEC
restore_archive device.tgz
assert_refused_as_unsafe "a character device" "uploads/null"
echo "PASS $TEST_NAME"
