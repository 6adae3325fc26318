# Set-user-ID and set-group-ID bits never land in the volume: an archive with a 4755 file and a
# 2755 file (a media volume holds uploads, never programs to run as their owner). The restore
# either refuses it (exit 1, MediaArchiveUnsafe, the volume unchanged) or restores it with the
# bits stripped and says so in its status, naming the entry. Either way no file in the volume
# has either bit afterwards.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/hostile_media.bash"
setup_project
start_app_with_a_backup
record_state_before_restore

make_archive "$BACKUPS/setuid.tgz" <<'SPEC'
file glyphs/ok.svg 644 <svg/>
dir tools
file tools/suid-tool 4755 #!/bin/sh
file tools/sgid-tool 2755 #!/bin/sh
SPEC
restore_archive setuid.tgz
assert_eq "" "$(find_in_volume -perm /6000 ! -type d)" "set-user-ID or set-group-ID files in the volume"
case "$(job_exit)" in
  0)
    assert_eq Succeeded "$(status_field "$RESTORE_STATUS" .status.phase)" "phase"
    assert_eq 755 "$(find_in_volume -path /m/tools/suid-tool -printf %m)" "mode of tools/suid-tool"
    # The status says which entries lost a bit.
    jq -e '[.status.details | .. | strings | select(contains("tools/suid-tool"))] | length > 0' \
      "$RESTORE_STATUS" >/dev/null || fail "the status does not say tools/suid-tool lost its set-user-ID bit: $(jq -c .status.details "$RESTORE_STATUS")"
    ;;
  1) assert_refused_as_unsafe "set-user-ID files" "tools/suid-tool" ;;
  *) fail "exit code $(job_exit)" ;;
esac
echo "PASS $TEST_NAME"
