# Nothing is ever written through a link: an archive with a folder sub/, a link via-link -> sub
# that stays inside, and then a regular file via-link/file, which an extractor writes to sub/file
# by following the link. The restore must refuse it (MediaArchiveUnsafe, naming via-link) before
# anything is staged, and leave volume and database as they were.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/hostile_media.bash"
setup_project
start_app_with_a_backup
record_state_before_restore

make_archive "$BACKUPS/through.tgz" <<'SPEC'
dir sub
file sub/kept.txt 644 kept
symlink via-link sub
file via-link/file 644 written through the link via-link
SPEC
restore_archive through.tgz
assert_refused_as_unsafe "an entry under a link" "via-link"
echo "PASS $TEST_NAME"
