# A restore drill of a set that exists only in the bucket, encrypted with age: a BackupJob
# (keepLocal false, an X25519 recipient from age-keygen) leaves .age artifacts and the metadata
# in the bucket and nothing in the directory; a DrillJob with spec.storage.s3 and the identity
# (spec.encryption.age.identityFrom.file) fetches and decrypts the set into a private folder,
# restores it into a scratch database and volume, checks row counts, django_migrations and every
# media file, records the verdict in the bucket, and removes the scratch database, the volume and
# every decrypted byte. The live database and media are untouched. A drill with the wrong identity
# fails (exit 1) before it creates a scratch database, leaving no copy behind either.
source "$(dirname "$0")/lib.sh"
setup_project
start_s3
start_app
seed_database
seed_media
JOB_RUN_OPTIONS=("${S3_JOB_ENV[@]}")
age-keygen -o "$WORK/manifests/key.txt" 2>/dev/null
age-keygen -o "$WORK/manifests/other-key.txt" 2>/dev/null
recipient=$(age-keygen -y "$WORK/manifests/key.txt")
# The server logs each CREATE DATABASE, so the log shows whether a drill made a scratch database.
psql_app -c "ALTER SYSTEM SET log_statement = 'ddl'" -c "SELECT pg_reload_conf()" >/dev/null
created_databases() { compose logs db 2>&1 | grep -c 'statement: CREATE DATABASE' || true; }
files_in_directory() { # every file under the backup directory but the lock and the statuses
  find "$BACKUPS" -type f ! -name .hivekeeper.lock ! -path "$BACKUPS/status/*" -printf '%P\n' | sort
}

offsite_backup_manifest encrypted-prod beelab/ false "  encryption:
    age:
      recipients: [$recipient]"
run_job run -f /manifests/encrypted-prod.yaml
assert_eq 0 "$(job_exit)" "exit code of the encrypted backup to the bucket"
assert_eq "" "$(files_in_directory)" "files in the directory after the backup (keepLocal false)"
aws_s3 s3 ls "s3://$S3_BUCKET/beelab/" >"$WORK/listing"
set_name=$(grep -o 'beelab_prod_[0-9_-]*\.json' "$WORK/listing" | sed 's/\.json$//')
[ -n "$set_name" ] || fail "no metadata in the bucket: $(cat "$WORK/listing")"
grep -q "beelab_prod_db_app_${set_name#beelab_prod_}\.sql\.gz\.age$" "$WORK/listing" || fail "no encrypted dump: $(cat "$WORK/listing")"
grep -q "beelab_prod_media_${set_name#beelab_prod_}\.tgz\.age$" "$WORK/listing" || fail "no encrypted media: $(cat "$WORK/listing")"
! grep -qE '\.sql\.gz$|\.tgz$' "$WORK/listing" || fail "plaintext artifacts in the bucket: $(cat "$WORK/listing")"
aws_s3 s3 cp "s3://$S3_BUCKET/beelab/$set_name.json" - >"$WORK/metadata.json"

drill_manifest() { # name identity-file
  {
    cat <<YAML
apiVersion: hivekeeper.io/v1
kind: DrillJob
metadata: {name: $1}
spec:
  environment: prod
  source: {prefix: beelab, set: latest}
  encryption:
    age:
      identityFrom: {file: /manifests/$2}
YAML
    s3_storage_yaml beelab/
  } >"$WORK/manifests/$1.yaml"
}
psql_app -c "INSERT INTO django_migrations (app, name, applied) VALUES ('beefont', '0003_after_backup', now())" >/dev/null
live_db=$(database_fingerprint)
live_media=$(media_fingerprint_of_volume)
databases_before=$(psql_app -c "SELECT datname FROM pg_database ORDER BY 1")
created_before=$(created_databases)

# The wrong identity: refused while the set is fetched, before any scratch database exists.
drill_manifest drill-wrong-key other-key.txt
JOB_SERVICE=drill-job run_job run -f /manifests/drill-wrong-key.yaml
assert_eq 1 "$(job_exit)" "exit code of a drill with the wrong identity"
assert_contains "$WORK/stderr" "no identity matches"
assert_eq "$created_before" "$(created_databases)" "CREATE DATABASE statements the server ran for the refused drill"
assert_eq "$databases_before" "$(psql_app -c "SELECT datname FROM pg_database ORDER BY 1")" "databases after the refused drill"
assert_eq null "$(jq -c .status.scratch "$BACKUPS/status/drill-wrong-key.json")" "scratch places in the refused drill's status"
assert_eq "" "$(files_in_directory)" "files in the directory after the refused drill (fetched copies)"
assert_eq "" "$(find "$BACKUPS" -maxdepth 1 -name '.hivekeeper-fetch*')" "fetch folders after the refused drill"
assert_eq "$live_db" "$(database_fingerprint)" "live database after the refused drill"

# The right identity: the drill passes.
drill_manifest drill-bucket key.txt
JOB_SERVICE=drill-job run_job run -f /manifests/drill-bucket.yaml
assert_eq 0 "$(job_exit)" "exit code of the drill from the bucket"
assert_contains "$WORK/stderr" "decrypting beelab_prod_db_app_${set_name#beelab_prod_}.sql.gz.age from s3://$S3_BUCKET/beelab"
assert_contains "$WORK/stdout" "drill of $set_name: passed"
assert_contains "$WORK/stdout" "DrillJob drill-bucket Succeeded"
status=$BACKUPS/status/drill-bucket.json
assert_eq Succeeded "$(status_field "$status" .status.phase)" "phase"
assert_eq DrillPassed "$(status_field "$status" '.status.conditions[] | select(.type == "Complete") | .reason')" "reason"
assert_eq "$set_name" "$(status_field "$status" .status.set)" "set drilled"
# The checks: row counts against the metadata, django_migrations against the dump, every media
# entry staged and read back.
assert_eq metadata "$(status_field "$status" .status.database.rowCounts.checkedAgainst)" "row counts checked against"
assert_eq "$(jq '.database.rowCounts | length' "$WORK/metadata.json")" "$(status_field "$status" .status.database.rowCounts.tables)" "tables checked"
assert_eq "$(jq '[.database.rowCounts[]] | add' "$WORK/metadata.json")" "$(status_field "$status" .status.database.rowCounts.rows)" "rows loaded"
assert_eq 0 "$(status_field "$status" '.status.database.rowCounts.mismatches | length')" "row count mismatches"
assert_eq 4 "$(status_field "$status" .status.database.djangoMigrations.rowsRestored)" "migrations restored"
assert_eq '["beefont.0003_after_backup"]' "$(jq -c .status.database.djangoMigrations.live.liveOnlyNames "$status")" "migrations only the live database has"
assert_eq "$(jq '.media.entries' "$WORK/metadata.json")" "$(status_field "$status" .status.media.entries)" "media entries checked"
assert_eq true "$(status_field "$status" .status.database.dropped)" "scratch database dropped"
assert_eq true "$(status_field "$status" .status.media.removed)" "scratch volume removed"
assert_eq $((created_before + 1)) "$(created_databases)" "CREATE DATABASE statements (the drill's scratch database)"
# The verdict is recorded beside the set, in the bucket.
aws_s3 s3 cp "s3://$S3_BUCKET/beelab/verified/$set_name.json" - >"$WORK/record.json" ||
  fail "no verification record in the bucket: $(status_field "$status" .status.verificationRecord)"
assert_eq Passed "$(jq -r .result "$WORK/record.json")" "recorded result"
assert_eq drill "$(jq -r .by "$WORK/record.json")" "recorded by"

# Nothing left: no scratch database or volume, no decrypted copy; the live data untouched.
assert_eq "$databases_before" "$(psql_app -c "SELECT datname FROM pg_database ORDER BY 1")" "databases after the drill"
scratch_volume=$(status_field "$status" .status.scratch.volume)
! docker volume inspect "$scratch_volume" >/dev/null 2>&1 || fail "the scratch volume $scratch_volume was left"
assert_eq "" "$(find "$BACKUPS" -maxdepth 1 -name '.hivekeeper-*')" "fetch or scratch folders after the drill"
assert_eq "" "$(files_in_directory)" "files in the directory after the drill (decrypted copies, journal)"
assert_eq 0 "$(aws_s3 s3api list-multipart-uploads --bucket "$S3_BUCKET" | jq '.Uploads // [] | length')" "multipart uploads left open"
assert_eq "$live_db" "$(database_fingerprint)" "live database after the drill"
assert_eq "$live_media" "$(media_fingerprint_of_volume)" "live media after the drill"
grep -q AGE-SECRET-KEY "$status" "$WORK/stdout" "$WORK/stderr" "$WORK/record.json" && fail "the identity was written out"
echo "PASS $TEST_NAME"
