# A hard link to a symlink: a/b/loop -> ../.. stays inside (it names the volume's root), but a hard
# link hard-to-loop -> a/b/loop at the archive's root is that same symlink two levels higher, where
# ../.. is two folders above the volume. A symlink's target is read from the folder of the name
# used, so the restore must refuse such a link (MediaArchiveUnsafe) and leave the volume without
# any link that leaves it.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/hostile_media.bash"
setup_project
start_app_with_a_backup
record_state_before_restore

make_archive "$BACKUPS/hardlink-symlink.tgz" <<'SPEC'
file glyphs/ok.svg 644 <svg/>
dir a
dir a/b
symlink a/b/loop ../..
hardlink hard-to-loop a/b/loop
SPEC
restore_archive hardlink-symlink.tgz
assert_eq 1 "$(job_exit)" "exit code"
assert_eq "" "$(links_leaving_volume)" "links in the volume that leave it"
assert_refused_as_unsafe "a hard link to a symlink" "hard-to-loop"
echo "PASS $TEST_NAME"
