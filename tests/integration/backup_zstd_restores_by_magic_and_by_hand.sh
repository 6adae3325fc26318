# `backup prod --media --compression zstd` writes <prefix>_prod_db_app_<ts>.sql.zst and
# <prefix>_prod_media_<ts>.tar.zst (zstd frames, checked by their magic bytes), which restore by
# hand without Hivekeeper (`zstd -dc | psql`, `tar --zstd -xf`), pass `verify`, and are what
# `restore --media latest` picks over an older gzip set: the database and every media file come
# back exactly, read by their first bytes rather than their names.
source "$(dirname "$0")/lib.sh"
setup_project
start_app
seed_database
seed_media
original_db=$(database_fingerprint)
original_media=$(media_fingerprint_of_volume)

run_job backup prod --media
assert_eq 0 "$(job_exit)" "exit code of the gzip backup"
run_job backup prod --media --compression zstd
assert_eq 0 "$(job_exit)" "exit code of the zstd backup"

metadata=$(find "$BACKUPS" -maxdepth 1 -name '*_prod_*.json' -printf '%f\n' | sort | tail -1)
stamp=${metadata#"$PROJECT"_prod_}
stamp=${stamp%.json}
dump=$BACKUPS/"$PROJECT"_prod_db_app_"$stamp".sql.zst
media=$BACKUPS/"$PROJECT"_prod_media_"$stamp".tar.zst
[ -f "$dump" ] || fail "no zstd dump for set $stamp: $(ls "$BACKUPS")"
[ -f "$media" ] || fail "no zstd media archive for set $stamp: $(ls "$BACKUPS")"
assert_eq 28b52ffd "$(od -An -tx1 -N4 "$dump" | tr -d ' ')" "magic bytes of the dump"
assert_eq 28b52ffd "$(od -An -tx1 -N4 "$media" | tr -d ' ')" "magic bytes of the media archive"
assert_eq zstd "$(jq -r .database.compression "$BACKUPS/$metadata")" "compression in the metadata"
assert_eq "database media" "$(jq -r '[.artifacts[].kind] | join(" ")' "$BACKUPS/$metadata")" "artifacts in metadata"
assert_artifacts_match_metadata "$BACKUPS/$metadata"
zstd -tq "$dump" "$media" || fail "zstd -t finds the files damaged"

# By hand, as the README shows: the dump into a scratch database, the archive into a folder.
psql_app -c "CREATE DATABASE scratch" >/dev/null
zstd -dc "$dump" | PSQL_DB=scratch psql_app >/dev/null
assert_eq "$original_db" "$(database_fingerprint scratch)" "database after zstd -dc | psql"
mkdir -p "$WORK/unpacked"
tar --zstd -xf "$media" -C "$WORK/unpacked"
assert_eq "$original_media" "$(media_fingerprint_of_dir "$WORK/unpacked")" "media after tar --zstd -xf"

run_job verify prod latest
assert_eq 0 "$(job_exit)" "exit code of verify on the zstd set"

# Damage both, then restore the latest set: the zstd one, newer than the gzip one.
psql_app -c "DELETE FROM beefont_glyph WHERE id % 3 = 0" -c "CREATE TABLE extra_after_backup (id int)" >/dev/null
docker run --rm -v "$MEDIA_VOLUME:/m" "$WEB_IMAGE" bash -euc 'echo changed > /m/glyphs/g2.svg; echo new > /m/added.txt'
run_restore restore prod --reset --media latest --no-safety-backup
assert_eq 0 "$(job_exit)" "exit code of the restore of the latest set"
status=$BACKUPS/status/restore-prod.json
assert_eq "$(basename "$dump")" "$(basename "$(status_field "$status" .status.source.database)")" "dump the restore took"
assert_eq "$(basename "$media")" "$(basename "$(status_field "$status" .status.source.media)")" "media archive the restore took"
assert_eq "$original_db" "$(database_fingerprint)" "database after restoring the zstd set"
assert_eq "$original_media" "$(media_fingerprint_of_volume)" "media after restoring the zstd set"
echo "PASS $TEST_NAME"
