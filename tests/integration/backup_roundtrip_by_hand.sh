# `docker compose run --rm backup-job backup prod --media` writes the seed's file names, and the
# files restore by hand without Hivekeeper: `gunzip -c | psql` gives back every table, sequence,
# view and function; `tar xzf` gives back every media file with its mode, mtime and content; the
# metadata's sha256 values match the files.
source "$(dirname "$0")/lib.sh"
setup_project
start_app
seed_database
seed_media
before_db=$(database_fingerprint)
before_media=$(media_fingerprint_of_volume)

run_job backup prod --media
assert_eq 0 "$(job_exit)" "exit code of backup prod --media"
# The media helper container is gone, with the anonymous volume its image's VOLUME made, and the
# media volume itself is still there.
docker volume inspect "$MEDIA_VOLUME" >/dev/null || fail "the media volume was removed"
assert_contains "$WORK/stdout" "BackupJob backup-prod Succeeded"

mapfile -t files < <(backup_files)
assert_eq 3 "${#files[@]}" "number of files written (${files[*]})"
stamp=$(sed -n 's/^.*_prod_\([0-9-]*_[0-9]*\)\.json$/\1/p' <<<"${files[0]}")
[[ "$stamp" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}_[0-9]{6}$ ]] || fail "no timestamp in ${files[0]}"
# The prefix defaults to the Compose project; one timestamp for the whole set.
assert_eq "$PROJECT"_prod_"$stamp".json "${files[0]}" "metadata file name"
assert_eq "$PROJECT"_prod_db_app_"$stamp".sql.gz "${files[1]}" "dump file name"
assert_eq "$PROJECT"_prod_media_"$stamp".tgz "${files[2]}" "media file name"
dump=$BACKUPS/${files[1]}
media=$BACKUPS/${files[2]}
metadata=$BACKUPS/${files[0]}

# Checksums and sizes in the metadata and the status are the files'.
assert_eq "database media" "$(jq -r '[.artifacts[].kind] | join(" ")' "$metadata")" "artifacts in metadata"
assert_artifacts_match_metadata "$metadata"
status_file=$BACKUPS/status/backup-prod.json
assert_eq Succeeded "$(status_field "$status_file" .status.phase)" "status phase"
assert_eq "$(sha256sum < "$dump" | cut -c1-64)" "$(status_field "$status_file" '.status.artifacts[] | select(.kind=="database") | .sha256')" "dump sha256 in status"
assert_eq 2000 "$(jq -r '.database.rowCounts["public.beefont_glyph"]' "$metadata")" "row count of beefont_glyph in metadata"
assert_eq 17 "$(jq -r '.database.serverVersion' "$metadata" | cut -d. -f1)" "server major version in metadata"

# The dump restores by hand into a scratch database, exactly.
psql_app -c "CREATE DATABASE scratch" >/dev/null
gunzip -c "$dump" | PSQL_DB=scratch psql_app >/dev/null
assert_eq "$before_db" "$(database_fingerprint scratch)" "tables, sequence, view and function after a manual restore"

# The archive unpacks by hand into the volume's exact content.
mkdir -p "$WORK/unpacked"
tar -xzf "$media" -C "$WORK/unpacked"
assert_eq "$before_media" "$(media_fingerprint_of_dir "$WORK/unpacked")" "media content, modes and mtimes after tar xzf"
# (Listings go to a file: `grep -q` ending a pipe early would fail it under pipefail.)
tar -tzf "$media" >"$WORK/listing"
grep -q '^/' "$WORK/listing" && fail "absolute path in the media archive"
grep -qx 'uploads/empty.txt' "$WORK/listing" || fail "paths are not relative to the volume root"
echo "PASS $TEST_NAME"
