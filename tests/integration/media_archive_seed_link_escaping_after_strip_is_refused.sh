# An old-style seed archive (`tar czf` of the media folder: everything under a top folder media/,
# stripped on restore) holding media/escape-link -> ../etc. Read with the top folder the link stays
# inside; once media/ is stripped it is escape-link -> ../etc at the volume's root, outside the
# volume. The check must judge the paths as they will land: the restore is refused
# (MediaArchiveUnsafe, naming the entry) and the volume keeps no link that leaves it.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/hostile_media.bash"
setup_project
start_app_with_a_backup
record_state_before_restore

make_archive "$BACKUPS/seed-style.tgz" <<'SPEC'
dir media
dir media/glyphs
file media/glyphs/ok.svg 644 <svg/>
symlink media/escape-link ../etc
SPEC
restore_archive seed-style.tgz
assert_eq 1 "$(job_exit)" "exit code"
assert_eq "" "$(links_leaving_volume)" "links in the volume that leave it"
assert_refused_as_unsafe "a seed archive's link escaping after the strip" "escape-link"
echo "PASS $TEST_NAME"
