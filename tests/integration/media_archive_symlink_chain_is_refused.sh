# A media archive whose symlinks chain out of the staging folder: a/b/up -> ../.. stays inside
# and a/b/esc -> up/.. looks inside when read as text, but followed link by link it is the
# folder above the staging folder (the volume's root). A regular file a/b/esc/pwned after them
# would be written through the chain. The restore must refuse the archive (MediaArchiveUnsafe)
# before anything is written: exit 1, no file named pwned in the volume nor in the backup
# directory, volume and database exactly as they were.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/hostile_media.bash"
setup_project
start_app_with_a_backup
record_state_before_restore

make_archive "$BACKUPS/chain.tgz" <<'SPEC'
file glyphs/ok.svg 644 <svg/>
dir a
dir a/b
symlink a/b/up ../..
symlink a/b/esc up/..
file a/b/esc/pwned 644 written through a chain of links
SPEC
restore_archive chain.tgz
assert_eq 1 "$(job_exit)" "exit code"
assert_eq "" "$(find_in_volume -name pwned)" "files named pwned in the volume"
assert_eq "" "$(find "$WORK" -name pwned)" "files named pwned in the work directory"
assert_refused_as_unsafe "a symlink chain out of the staging folder" "a/b/esc"
echo "PASS $TEST_NAME"
