# The media swap fails after the database commit: a top-level file of the volume is immutable
# (chattr +i, set through the ioctl with perl in a container given CAP_LINUX_IMMUTABLE), so
# moving the current content aside stops at it. Phase Failed, reason MediaSwapFailed, a message
# saying the database was restored but the media were not; the database is the backup's, the
# volume holds exactly what it held before the restore (the swap's undo), with no staging or old
# folder and no helper container left, and web runs again. Needs a volume filesystem with
# immutable files (ext4, xfs, btrfs).
source "$(dirname "$0")/lib.sh"

immutable() { # +|- PATH-IN-VOLUME: FS_IMMUTABLE_FL on or off (x86-64 and arm64 ioctls)
  docker run --rm --cap-add LINUX_IMMUTABLE -v "$MEDIA_VOLUME:/m" "$WEB_IMAGE" perl -e '
    my ($on, $path) = @ARGV;
    open(my $f, "<", $path) or die "$path: $!\n";
    my $flags = pack("L!", 0);
    ioctl($f, 0x80086601, $flags) or die "FS_IOC_GETFLAGS $path: $!\n";
    $flags = unpack("L!", $flags);
    $flags = $on eq "+" ? $flags | 0x10 : $flags & ~0x10;
    ioctl($f, 0x40086602, pack("L!", $flags)) or die "FS_IOC_SETFLAGS $path: $!\n";' "$1" "/m/$2"
}

eval "lib_$(declare -f cleanup)"
cleanup() { # the volume cannot be removed while it holds an immutable file
  local status=$?
  [ "${HK_KEEP:-0}" == 1 ] || immutable - legal-hold.pdf >/dev/null 2>&1 || true
  if [ "$status" -eq 0 ]; then lib_cleanup; else (exit "$status") || lib_cleanup; fi
}

setup_project
start_app_with_a_backup
original_db=$(database_fingerprint)

# After the backup: a changed row and file, a new top-level folder, and a top-level file under
# legal hold. Moving it aside fails, with glyphs/ already moved and reports/ and uploads/ not yet.
psql_app -c "UPDATE auth_user SET username = username || '-after'" >/dev/null
docker run --rm -v "$MEDIA_VOLUME:/m" "$WEB_IMAGE" bash -euc '
  echo after > /m/glyphs/g2.svg; mkdir /m/reports; echo "q4;1" > /m/reports/2026-q4.csv
  echo "%PDF hold" > /m/legal-hold.pdf'
immutable + legal-hold.pdf || fail "cannot set the immutable flag (filesystem: $(docker run --rm -v "$MEDIA_VOLUME:/m" "$WEB_IMAGE" stat -f -c %T /m))"
docker run --rm -v "$MEDIA_VOLUME:/m" "$WEB_IMAGE" bash -c '! rm /m/legal-hold.pdf 2>/dev/null' || fail "the immutable file could be removed"
before_media=$(media_fingerprint_of_volume)

run_restore restore prod --media latest --quiesce web
status=$BACKUPS/status/restore-prod.json
assert_eq 1 "$(job_exit)" "exit code"
assert_eq Failed "$(status_field "$status" .status.phase)" "status phase"
assert_eq MediaSwapFailed "$(status_field "$status" '.status.conditions[] | select(.type=="Failed") | .reason')" "Failed reason"
assert_contains "$status" "the database was restored, but the media were not"
assert_contains "$status" "legal-hold.pdf"
assert_eq "$original_db" "$(database_fingerprint)" "database after the failed swap (committed before it)"
assert_eq true "$(docker inspect -f '{{.State.Running}}' "$(compose ps -aq web)")" "web running after the failed swap"
[ -z "$(docker ps -aq --filter "label=hivekeeper.io/volume=$MEDIA_VOLUME")" ] || fail "a helper container was left behind"
assert_eq "" "$(docker run --rm -v "$MEDIA_VOLUME:/m:ro" "$WEB_IMAGE" find /m -maxdepth 1 -name '.hivekeeper-*')" "Hivekeeper folders left in the volume"
assert_eq "$before_media" "$(media_fingerprint_of_volume)" "media after the failed swap"
echo "PASS $TEST_NAME"
