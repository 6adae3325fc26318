# Backups made without Hivekeeper restore too: `pg_dump | gzip` (the seed's dump, no --clean, with
# owners and grants) and a media archive made by `tar czf` with a top folder media/. The target
# database container is stopped first and must be started by the restore. --reset removes a table
# created after the backup. Latest selection picks the newest backup of the environment and
# ignores other environments, safety backups and partial files.
source "$(dirname "$0")/lib.sh"
setup_project
start_app
seed_database
seed_media
original_db=$(database_fingerprint)
original_media=$(media_fingerprint_of_volume)

# The seed's own way to back up, straight through docker compose exec.
compose exec -T db pg_dump -U app app | gzip >"$BACKUPS/beelab_dev_db_app_2025-12-17_031500.sql.gz"
docker run --rm -v "$MEDIA_VOLUME:/app/media:ro" -v "$BACKUPS:/out" "$WEB_IMAGE" \
  tar czf /out/beelab_dev_media_2025-12-17_031500.tgz -C /app media
# Decoys for latest: an older dev backup (empty), a newer prod one, a newer partial file, and a
# newer safety backup; all hold garbage, so picking one fails the restore.
for decoy in beelab_dev_db_app_2025-01-01_000000.sql.gz beelab_prod_db_app_2099-01-01_000000.sql.gz \
  .beelab_dev_db_app_2099-01-01_000000.sql.gz.partial-77 beelab_dev_pre-restore_db_app_2099-01-01_000000.sql.gz; do
  echo garbage | gzip >"$BACKUPS/$decoy"
done

psql_app -c "CREATE TABLE created_after_backup (id int)" -c "DELETE FROM beefont_glyph" >/dev/null
docker run --rm -v "$MEDIA_VOLUME:/m" "$WEB_IMAGE" bash -c 'rm -r /m/uploads; echo new > /m/new.txt'
compose stop db >/dev/null 2>&1

run_restore restore dev --reset --media latest --prefix beelab
assert_eq 0 "$(job_exit)" "exit code of the restore"
status=$BACKUPS/status/restore-dev.json
assert_eq backups/django/beelab_dev_db_app_2025-12-17_031500.sql.gz "$(status_field "$status" .status.source.database)" "latest database backup"
assert_eq backups/django/beelab_dev_media_2025-12-17_031500.tgz "$(status_field "$status" .status.source.media)" "latest media backup"
assert_contains "$WORK/stderr" "is exited; starting it"
assert_eq "$original_db" "$(database_fingerprint)" "database after restoring the seed's dump"
assert_eq "" "$(psql_app -c "SELECT tablename FROM pg_tables WHERE tablename = 'created_after_backup'")" "--reset removed the later table"
assert_eq "$original_media" "$(media_fingerprint_of_volume)" "media after restoring the seed's tar czf archive"
assert_eq media "$(status_field "$status" .status.media.strippedTopFolder)" "top folder stripped"
assert_eq dump "$(status_field "$status" .status.database.rowCounts.checkedAgainst)" "row counts without metadata"

# Without --reset the seed's dump (no --clean) cannot load over its own objects: refused, rolled back.
run_restore restore dev beelab_dev_db_app_2025-12-17_031500.sql.gz --no-safety-backup
assert_eq 1 "$(job_exit)" "exit code without --reset"
assert_contains "$WORK/stderr" "already exists"
assert_contains "$WORK/stderr" "--reset"
assert_eq "$original_db" "$(database_fingerprint)" "database after the refused restore"

# An archive that lists only files and links, no folders (`tar czf m.tgz glyphs/a.svg ...`): the
# engine creates the folders while staging, and the restore accepts them.
docker run --rm -v "$MEDIA_VOLUME:/m:ro" -v "$BACKUPS:/out" "$WEB_IMAGE" bash -euc \
  'cd /m && find . \( -type f -o -type l \) -print | tar czf /out/beelab_dev_media_2025-12-18_000000.tgz --no-recursion -T -'
docker run --rm -v "$MEDIA_VOLUME:/m" "$WEB_IMAGE" bash -c 'rm -r /m/glyphs; echo newer > /m/new.txt'
run_restore restore dev beelab_dev_db_app_2025-12-17_031500.sql.gz --reset --media beelab_dev_media_2025-12-18_000000.tgz --no-safety-backup
assert_eq 0 "$(job_exit)" "exit code restoring an archive without folder entries"
assert_eq "$original_media" "$(media_fingerprint_of_volume)" "media after restoring an archive without folder entries"
echo "PASS $TEST_NAME"
