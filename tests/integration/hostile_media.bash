# Helpers for the suites of issue 11 (hostile media archives, private files, killed jobs, free
# space), sourced after lib.sh. Not a suite: ctest runs tests/integration/*.sh only.

# lib.sh's cleanup, and first what a killed job leaves outside the Compose project: Hivekeeper's
# helper containers for this suite's volume (with their anonymous volumes, the database image
# declares one; a helper still mounting the media volume keeps lib.sh from removing it) and the
# suite's own watcher containers (label hkt-watcher=PROJECT). Kept with HK_KEEP=1, as the rest.
eval "lib_$(declare -f cleanup)"
cleanup() {
  local status=$? leftovers
  if [ "${HK_KEEP:-0}" != 1 ]; then
    leftovers=$(docker ps -aq --filter "label=hivekeeper.io/volume=$MEDIA_VOLUME"
      docker ps -aq --filter "label=hkt-watcher=$PROJECT")
    [ -z "$leftovers" ] || docker rm -f -v $leftovers >/dev/null 2>&1 || true
  fi
  if [ "$status" -eq 0 ]; then lib_cleanup; else (exit "$status") || lib_cleanup; fi
}

# Writes a gzipped tar to FILE from a spec on standard input, one entry a line, in that order and
# named exactly so (Python's tarfile: GNU tar refuses to write most of these):
#   dir PATH [MODE]
#   file PATH [MODE [TEXT]]       TEXT is the rest of the line; default mode 644, text "x"
#   zeros PATH BYTES              BYTES zero bytes, streamed (a tiny archive of a big file)
#   symlink PATH TARGET
#   hardlink PATH TARGET          TARGET as a tar names it: relative to the archive's root
#   fifo PATH
#   chardev PATH MAJOR MINOR
# MODE is octal and may carry the setuid (4000) and setgid (2000) bits. Owner root, fixed mtime.
make_archive() { # file
  python3 -c '
import io, sys, tarfile

class Zeros(io.RawIOBase):
    def __init__(self, size): self.left = size
    def readable(self): return True
    def readinto(self, buffer):
        count = min(len(buffer), self.left)
        buffer[:count] = bytes(count)
        self.left -= count
        return count

with tarfile.open(sys.argv[1], "w:gz", format=tarfile.PAX_FORMAT, compresslevel=6) as out:
    for line in sys.stdin:
        words = line.split(None, 3)
        if not words:
            continue
        kind, path = words[0], words[1]
        info = tarfile.TarInfo(path)
        info.mtime = 1766000000
        info.uname = info.gname = "root"
        data = None
        if kind == "dir":
            info.type, info.mode = tarfile.DIRTYPE, int(words[2], 8) if len(words) > 2 else 0o755
        elif kind == "file":
            info.mode = int(words[2], 8) if len(words) > 2 else 0o644
            content = (words[3].rstrip("\n") if len(words) > 3 else "x").encode() + b"\n"
            info.size, data = len(content), io.BytesIO(content)
        elif kind == "zeros":
            info.mode, info.size, data = 0o644, int(words[2]), io.BufferedReader(Zeros(int(words[2])), 1 << 20)
        elif kind == "symlink":
            info.type, info.linkname, info.mode = tarfile.SYMTYPE, words[2].rstrip("\n"), 0o777
        elif kind == "hardlink":
            info.type, info.linkname, info.mode = tarfile.LNKTYPE, words[2].rstrip("\n"), 0o644
        elif kind == "fifo":
            info.type, info.mode = tarfile.FIFOTYPE, 0o644
        elif kind == "chardev":
            info.type, info.mode = tarfile.CHRTYPE, 0o666
            info.devmajor, info.devminor = int(words[2]), int(words[3])
        else:
            sys.exit("make_archive: unknown entry kind " + kind)
        out.addfile(info, data)
' "$1"
}

# A restore of the latest prod backup's database with the media archive NAME (a file in the
# backup directory), without a safety backup: the suites look at what the archive does.
restore_archive() { # name
  run_restore restore prod --media "$1" --no-safety-backup
}

RESTORE_STATUS=$BACKUPS/status/restore-prod.json

failed_reason() { # status-file
  status_field "$1" '.status.conditions[]? | select(.type == "Failed") | .reason'
}

# find(1) in the media volume, mounted read-only at /m in a container of our own.
find_in_volume() { # find-arguments...
  docker run --rm -v "$MEDIA_VOLUME:/m:ro" "$WEB_IMAGE" find /m "$@"
}

# Symlinks in the volume whose target, followed link by link, leaves the volume (printed as
# "path -> target"); nothing when every link stays inside.
links_leaving_volume() {
  docker run --rm -v "$MEDIA_VOLUME:/m:ro" "$WEB_IMAGE" sh -c '
    find /m -type l | while read -r link; do
      case "$(realpath -m "$link")" in /m | /m/*) ;; *) echo "$link -> $(readlink "$link")" ;; esac
    done'
}

helper_containers() { # Hivekeeper's helper containers for this suite's volume, running or not
  docker ps -aq --filter "label=hivekeeper.io/volume=$MEDIA_VOLUME"
}

hivekeeper_folders_in_volume() { # staging and old-content folders left at the volume's top
  find_in_volume -mindepth 1 -maxdepth 1 -name '.hivekeeper-*'
}

partial_files() { # a job's temporary files left in the backup directory
  find "$BACKUPS" -maxdepth 1 -name '.*.partial-*' -printf '%f\n'
}

# Before a hostile restore: the state every refusal must leave exactly as it was.
record_state_before_restore() {
  BEFORE_DB=$(database_fingerprint)
  BEFORE_MEDIA=$(media_fingerprint_of_volume)
}

# A hostile archive refused as MediaArchiveUnsafe, its message naming ENTRY (a fragment of the
# offending entry's path), before anything was written:
# exit 1, phase Failed, database and volume unchanged, no helper and no staging folder left.
assert_refused_as_unsafe() { # what entry
  assert_eq 1 "$(job_exit)" "exit code for $1"
  assert_eq Failed "$(status_field "$RESTORE_STATUS" .status.phase)" "phase for $1"
  assert_eq "$BEFORE_MEDIA" "$(media_fingerprint_of_volume)" "media volume after $1"
  assert_eq MediaArchiveUnsafe "$(failed_reason "$RESTORE_STATUS")" "Failed reason for $1"
  assert_contains "$WORK/stderr" "$2"
  assert_eq "$BEFORE_DB" "$(database_fingerprint)" "database after $1"
  assert_eq "" "$(helper_containers)" "helper containers left after $1"
  assert_eq "" "$(hivekeeper_folders_in_volume)" "Hivekeeper folders left in the volume after $1"
}

file_mode() { stat -c %a "$1"; }

# Every file named (backups, metadata, safety backups) is 0600.
assert_private_files() { # files...
  local file
  [ "$#" -gt 0 ] || fail "no files to check"
  for file in "$@"; do
    assert_eq 600 "$(file_mode "$file")" "mode of ${file#"$WORK"/}"
  done
}

assert_private_directories() { # directories...
  local directory
  for directory in "$@"; do
    [ -d "$directory" ] || fail "no directory ${directory#"$WORK"/}"
    assert_eq 700 "$(file_mode "$directory")" "mode of directory ${directory#"$WORK"/}/"
  done
}

# The set a job's status lists, checked against the disk: every artifact exists in the backup
# directory DIR with the listed size and sha256. Prints the artifacts' file names.
check_listed_artifacts() { # status-file dir
  local path bytes sha256 file
  jq -r '.status.artifacts[] | "\(.path) \(.bytes) \(.sha256)"' "$1" | while read -r path bytes sha256; do
    file=$2/$(basename "$path")
    [ -f "$file" ] || fail "$(basename "$1") lists $path, which is not on disk"
    assert_eq "$bytes" "$(stat -c %s "$file")" "size of $(basename "$path") listed by $(basename "$1")"
    assert_eq "$sha256" "$(sha256sum <"$file" | cut -c1-64)" "sha256 of $(basename "$path") listed by $(basename "$1")"
    basename "$path"
  done
}

service_running() { # service
  docker inspect -f '{{.State.Running}}' "$(compose ps -aq "$1")"
}
