# A hard link whose target lies outside the staging folder, though no name has a .. in it: the
# links a/b/up -> ../.. and a/b/esc -> up/.. make a/b/esc the folder above the staging folder, the
# live volume, so a hard link hard-out -> a/b/esc/uploads/private.txt links (and keeps, after the
# swap) the current volume's private file. The restore must refuse the archive (MediaArchiveUnsafe)
# before anything is written: exit 1, volume and database unchanged, no hard-out.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/hostile_media.bash"
setup_project
start_app_with_a_backup
record_state_before_restore

make_archive "$BACKUPS/hardlink-out.tgz" <<'SPEC'
file glyphs/ok.svg 644 <svg/>
dir a
dir a/b
symlink a/b/up ../..
symlink a/b/esc up/..
hardlink hard-out a/b/esc/uploads/private.txt
SPEC
restore_archive hardlink-out.tgz
assert_eq 1 "$(job_exit)" "exit code"
assert_eq "" "$(find_in_volume -mindepth 1 -maxdepth 1 -name hard-out)" "the hard link hard-out in the volume"
assert_eq "" "$(links_leaving_volume)" "links in the volume that leave it"
assert_refused_as_unsafe "a hard link out of the staging folder" "a/b/esc"
echo "PASS $TEST_NAME"
