# Back up, damage the data (rows changed and deleted, a table added, files changed, added and
# deleted), restore the latest backup with its media: every table and every media file equals
# the original, files absent from the archive are gone, and the safety backup taken before the
# restore brings the damaged state back when restored in turn.
source "$(dirname "$0")/lib.sh"
setup_project
start_app_with_a_backup
original_db=$(database_fingerprint)
original_media=$(media_fingerprint_of_volume)

psql_app -c "UPDATE auth_user SET username = username || '-changed'" \
  -c "DELETE FROM beefont_glyph WHERE id % 2 = 0" \
  -c "CREATE TABLE extra_after_backup (id int)" -c "SELECT setval('invoice_number_seq', 999)" >/dev/null
docker run --rm -v "$MEDIA_VOLUME:/m" "$WEB_IMAGE" bash -euc '
  echo changed > /m/glyphs/g2.svg; rm /m/glyphs/g3.svg; echo new > /m/uploads/added-later.txt
  echo top > /m/added-at-top.txt; mkdir -p /m/new-folder/sub; echo x > /m/new-folder/sub/f.txt'
damaged_db=$(database_fingerprint)
damaged_media=$(media_fingerprint_of_volume)
[ "$damaged_db" != "$original_db" ] || fail "the damage did not change the database"

run_restore restore prod --media latest --quiesce web
assert_eq 0 "$(job_exit)" "exit code of the restore"
assert_contains "$WORK/stdout" "RestoreJob restore-prod Succeeded"
# The fingerprint lists every table: all but the unrelated one must equal the originals.
assert_eq "$original_db" "$(database_fingerprint | grep -v '^extra_after_backup=')" "database after the restore"
assert_eq "$original_media" "$(media_fingerprint_of_volume)" "media after the restore"
# Without --reset, objects from the dump are replaced and unrelated tables stay.
assert_eq extra_after_backup "$(psql_app -c "SELECT tablename FROM pg_tables WHERE tablename = 'extra_after_backup'")" "unrelated table kept"
status=$BACKUPS/status/restore-prod.json
assert_eq Succeeded "$(status_field "$status" .status.phase)" "status phase"
assert_eq metadata "$(status_field "$status" .status.database.rowCounts.checkedAgainst)" "row counts checked against"
assert_eq 0 "$(status_field "$status" '.status.database.rowCounts.mismatches | length')" "row count mismatches"
assert_eq "[\"$PROJECT-web-1\"]" "$(jq -c .status.quiesced "$status")" "quiesced services"
[ "$(docker inspect -f '{{.State.Running}}' "$(compose ps -q web)")" == true ] || fail "web was not started again"
[ -z "$(docker ps -aq --filter "label=hivekeeper.io/volume=$MEDIA_VOLUME")" ] || fail "a helper container was left behind"

safety_db=$(status_field "$status" .status.safetyBackup.database)
safety_media=$(status_field "$status" .status.safetyBackup.media)
case "$(basename "$safety_db")" in hkt-restore-roundtrip_prod_pre-restore_db_app_*.sql.gz) ;; *) fail "safety backup name $safety_db" ;; esac
[ -f "$BACKUPS/$(basename "$safety_db")" ] || fail "safety backup $safety_db missing"

# Undo the restore with one more restore.
run_restore restore prod "$(basename "$safety_db")" --media "$(basename "$safety_media")" --no-safety-backup
assert_eq 0 "$(job_exit)" "exit code of restoring the safety backup"
assert_eq "$damaged_db" "$(database_fingerprint)" "database after restoring the safety backup"
assert_eq "$damaged_media" "$(media_fingerprint_of_volume)" "media after restoring the safety backup"
echo "PASS $TEST_NAME"
