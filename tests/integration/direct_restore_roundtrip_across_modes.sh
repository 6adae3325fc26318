# Direct mode restores (spec.target.postgres with spec.media.path), as a Kubernetes restore Job
# runs them: no Docker socket, the password from a mounted file, the media in a mounted directory
# standing in for the PersistentVolumeClaim. A Docker-mode backup restores in direct mode (rows,
# sequence, media files with modes and mtimes; files absent from the archive are gone), the final
# status reaches the termination-log file, the safety backup is taken first, and a direct-mode
# backup of the directory restores in Docker mode into the volume. A media archive with a
# ../ entry is refused with the database and the directory untouched.
source "$(dirname "$0")/lib.sh"
setup_project
start_app_with_a_backup
original_db=$(database_fingerprint)
original_media=$(media_fingerprint_of_volume)
network=$(app_network)
write_password_file
mkdir -p "$WORK/direct" "$WORK/media"
# The claim's content: a copy of the volume, as it would be after moving the app to a cluster.
copy_media_volume_to "$WORK/media"
assert_eq "$original_media" "$(media_fingerprint_of_dir "$WORK/media")" "the directory copy of the volume"

write_restore_manifest() { # database-file media-file
  write_direct_manifest "$WORK/direct/job.yaml" RestoreJob restore-direct <<YAML
  source:
    directory: /backups
    prefix: $PROJECT
    database: $1
    media: $2
  media:
    path: /media
YAML
}
run_direct() { # [media-mount-mode]: the runner like a Job's container; termination log in $WORK/termination-log
  : >"$WORK/termination-log"
  set +e
  docker run --rm --network "$network" -v "$WORK/secrets:/secrets:ro" -v "$WORK/direct:/job:ro" \
    -v "$BACKUPS:/backups" -v "$WORK/media:/media:${1:-rw}" -v "$WORK/termination-log:/dev/termination-log" \
    "$HIVEKEEPER_IMAGE" run -f /job/job.yaml --termination-log /dev/termination-log \
    >"$WORK/stdout" 2>"$WORK/stderr"
  echo $? >"$WORK/exit"
  set -e
}

# 1. Docker-mode backup -> direct-mode restore, database and media.
psql_app -c "UPDATE auth_user SET username = username || '-changed'" \
  -c "DELETE FROM beefont_glyph WHERE id % 2 = 0" -c "SELECT setval('invoice_number_seq', 999)" >/dev/null
echo changed >"$WORK/media/glyphs/g2.svg"
rm "$WORK/media/glyphs/g3.svg"
echo new >"$WORK/media/uploads/added-later.txt"
damaged_db=$(database_fingerprint)
damaged_media=$(media_fingerprint_of_dir "$WORK/media")
write_restore_manifest latest latest
run_direct
assert_eq 0 "$(job_exit)" "exit code of the direct restore"
assert_eq "$original_db" "$(database_fingerprint)" "database after the direct restore"
assert_eq "$original_media" "$(media_fingerprint_of_dir "$WORK/media")" "media directory after the direct restore"
[ -z "$(find "$WORK/media" -maxdepth 1 -name '.hivekeeper-*')" ] || fail "staging folders left in the media directory"
status=$BACKUPS/status/restore-direct.json
assert_eq Succeeded "$(status_field "$status" .status.phase)" "status phase"
assert_eq db:5432 "$(status_field "$status" .status.database.server)" "server in the status"
assert_eq /media "$(status_field "$status" .status.media.directory)" "media directory in the status"
assert_eq metadata "$(status_field "$status" .status.database.rowCounts.checkedAgainst)" "row counts checked against"
# The termination message: the final status, compact, on one line.
assert_eq 1 "$(wc -l <"$WORK/termination-log" | tr -d ' ' | sed 's/^0$/1/')" "termination log lines"
assert_eq Succeeded "$(jq -r .status.phase "$WORK/termination-log")" "phase in the termination log"
assert_eq restore-direct "$(jq -r .metadata.name "$WORK/termination-log")" "name in the termination log"
assert_no_password "$status" "$WORK/termination-log" "$WORK/stdout" "$WORK/stderr"

# The safety backup holds the damaged state, database and media, named as the seed names them.
safety_db=$(jq -r '.status.safetyBackup.database' "$status")
safety_media=$(jq -r '.status.safetyBackup.media' "$status")
case "$(basename "$safety_db")" in "${PROJECT}"_prod_pre-restore_*.sql.gz) ;; *) fail "safety backup named $safety_db" ;; esac
mkdir -p "$WORK/safety-media"
tar xzf "$BACKUPS/$(basename "$safety_media")" -C "$WORK/safety-media"
assert_eq "$damaged_media" "$(media_fingerprint_of_dir "$WORK/safety-media")" "the safety backup's media"

# 2. A refused archive (a ../ entry) changes nothing.
python3 - "$BACKUPS/${PROJECT}_prod_media_2020-01-01_000000.tgz" <<'PY'  # tar itself refuses ../
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w:gz") as archive:
    for name in ["glyphs/ok.svg", "../escape.txt"]:
        info = tarfile.TarInfo(name)
        info.size = 5
        archive.addfile(info, io.BytesIO(b"evil\n"))
PY
psql_app -c "DELETE FROM beefont_glyph WHERE id % 3 = 0" >/dev/null
before_db=$(database_fingerprint)
before_media=$(media_fingerprint_of_dir "$WORK/media")
write_restore_manifest latest "${PROJECT}_prod_media_2020-01-01_000000.tgz"
run_direct
assert_eq 1 "$(job_exit)" "exit code with a ../ entry"
assert_contains "$WORK/stderr" '"../escape.txt" has a .. component'
assert_eq Failed "$(jq -r .status.phase "$WORK/termination-log")" "phase in the termination log of the refused restore"
assert_eq "$before_db" "$(database_fingerprint)" "database after the refused restore"
assert_eq "$before_media" "$(media_fingerprint_of_dir "$WORK/media")" "media after the refused restore"
rm "$BACKUPS/${PROJECT}_prod_media_2020-01-01_000000.tgz"

# 3. Direct-mode backup of the directory (mounted read-only) -> Docker-mode restore into the volume.
echo "added in the cluster" >"$WORK/media/uploads/cluster-only.txt"
cluster_media=$(media_fingerprint_of_dir "$WORK/media")
cluster_db=$(database_fingerprint)
write_direct_manifest "$WORK/direct/job.yaml" BackupJob nightly-direct <<YAML
  media: {enabled: true, path: /media}
  output: {directory: /backups, prefix: $PROJECT}
YAML
sleep 1  # the backup's timestamp must differ from the restore's safety backup's
run_direct ro
assert_eq 0 "$(job_exit)" "exit code of the direct backup with media"
backup_status=$BACKUPS/status/nightly-direct.json
dump=$(basename "$(jq -r '.status.artifacts[] | select(.kind == "database") | .path' "$backup_status")")
media=$(basename "$(jq -r '.status.artifacts[] | select(.kind == "media") | .path' "$backup_status")")
case "$media" in "${PROJECT}"_prod_media_*.tgz) ;; *) fail "direct media backup named $media" ;; esac
timestamp=${dump##*_db_app_}
assert_eq /media "$(jq -r .media.directory "$BACKUPS/${PROJECT}_prod_${timestamp%.sql.gz}.json")" "media directory in the metadata"
psql_app -c "UPDATE auth_user SET username = 'x' || id" >/dev/null
docker run --rm -v "$MEDIA_VOLUME:/m" "$WEB_IMAGE" bash -euc 'rm -rf /m/glyphs; echo stray > /m/stray.txt'
run_restore restore prod "$dump" --media "$media" --no-safety-backup
assert_eq 0 "$(job_exit)" "exit code of the Docker-mode restore of the direct backup"
assert_eq "$cluster_db" "$(database_fingerprint)" "database after restoring the direct backup in Docker mode"
assert_eq "$cluster_media" "$(media_fingerprint_of_volume)" "volume after restoring the direct media backup"
echo "PASS $TEST_NAME"
