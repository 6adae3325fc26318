# spec.storage.s3 against a real S3 API server (moto_server) and the reference client (awscli):
# a backup with keepLocal: false leaves the set only in the bucket, metadata included, with no
# multipart upload left open; `aws s3` lists and fetches what Hivekeeper wrote (the dump
# decompresses, its sha256 is the metadata's); list and verify read the bucket; a RestoreJob
# from the bucket brings the database and media back as they were; a seed-made dump uploaded with
# `aws s3 cp` restores by name; keepLocal: true writes the same set to both places.
source "$(dirname "$0")/lib.sh"
setup_project
start_s3
start_app
seed_database
seed_media
JOB_RUN_OPTIONS=("${S3_JOB_ENV[@]}")

offsite_backup_manifest offsite-prod beelab/ false
run_job run -f /manifests/offsite-prod.yaml
assert_eq 0 "$(job_exit)" "exit code of the backup to the bucket"
[ -z "$(backup_files)" ] || fail "keepLocal: false left files in the directory: $(backup_files)"
aws_s3 s3 ls "s3://$S3_BUCKET/beelab/" >"$WORK/listing"
assert_eq 3 "$(grep -c 'beelab_prod_' "$WORK/listing")" "objects in the bucket (dump, media, metadata)"
set_name=$(grep -o 'beelab_prod_[0-9_-]*\.json' "$WORK/listing" | sed 's/\.json$//')
dump=$(grep -o 'beelab_prod_db_app_[0-9_-]*\.sql\.gz' "$WORK/listing")
aws_s3 s3 cp "s3://$S3_BUCKET/beelab/$dump" - >"$WORK/dump.sql.gz"
aws_s3 s3 cp "s3://$S3_BUCKET/beelab/$set_name.json" - >"$WORK/metadata.json"
gunzip -t "$WORK/dump.sql.gz" || fail "the dump fetched by aws s3 cp does not decompress"
assert_eq "$(jq -r --arg f "$dump" '.artifacts[] | select(.file == $f) | .sha256' "$WORK/metadata.json")" \
  "$(sha256sum <"$WORK/dump.sql.gz" | cut -d' ' -f1)" "sha256 of the dump aws s3 cp fetched"
assert_eq 0 "$(aws_s3 s3api list-multipart-uploads --bucket "$S3_BUCKET" | jq '.Uploads // [] | length')" \
  "multipart uploads left open"
status=$BACKUPS/status/offsite-prod.json
assert_eq Succeeded "$(status_field "$status" .status.phase)" "phase"
status_field "$status" '.status.artifacts[].path' | grep -q "^s3://$S3_BUCKET/beelab/$dump$" ||
  fail "the status does not name the dump's object: $(status_field "$status" '.status.artifacts')"
grep -q "$AWS_SECRET_ACCESS_KEY" "$status" "$WORK/stderr" "$WORK/stdout" && fail "the secret key was written out"

# list and verify read the bucket.
run_job list prod -f /manifests/offsite-prod.yaml
assert_eq 0 "$(job_exit)" "exit code of list"
assert_contains "$WORK/stdout" "$set_name"
run_job verify prod latest -f /manifests/offsite-prod.yaml
assert_eq 0 "$(job_exit)" "exit code of verify"

# Changes after the backup; the restore from the bucket takes them back.
before_db=$(database_fingerprint)
before_media=$(media_fingerprint_of_volume)
psql_app -c "UPDATE auth_user SET username = username || '-after'" >/dev/null
docker run --rm -v "$MEDIA_VOLUME:/m" "$WEB_IMAGE" bash -c 'echo changed > /m/glyphs/g2.svg; rm /m/uploads/empty.txt'
{
  cat <<YAML
apiVersion: hivekeeper.io/v1
kind: RestoreJob
metadata: {name: restore-offsite}
spec:
  environment: prod
  reset: true
  source: {prefix: beelab, database: latest, media: latest}
  quiesce: {services: [web]}
YAML
  s3_storage_yaml beelab/
} >"$WORK/manifests/restore-offsite.yaml"
JOB_SERVICE=restore-job run_job run -f /manifests/restore-offsite.yaml
assert_eq 0 "$(job_exit)" "exit code of the restore from the bucket"
assert_eq "$before_db" "$(database_fingerprint)" "database after the restore from the bucket"
assert_eq "$before_media" "$(media_fingerprint_of_volume)" "media after the restore from the bucket"
[ -z "$(find "$BACKUPS" -maxdepth 1 -name '.hivekeeper-fetch*')" ] || fail "fetched copies left behind"

# A seed-made dump, uploaded with the reference client, restores by name.
seed_style_backup prod 2025-01-02_030405
psql_app -c "UPDATE auth_user SET username = username || '-seed'" >/dev/null
compose cp "$BACKUPS/${PROJECT}_prod_db_app_2025-01-02_030405.sql.gz" s3:/tmp/seed.sql.gz
aws_s3 s3 cp /tmp/seed.sql.gz "s3://$S3_BUCKET/beelab/beelab_prod_db_app_2025-01-02_030405.sql.gz" >/dev/null
rm -f "$BACKUPS"/*.sql.gz
sed -i 's/database: latest, media: latest/database: beelab_prod_db_app_2025-01-02_030405.sql.gz/' \
  "$WORK/manifests/restore-offsite.yaml"
JOB_SERVICE=restore-job run_job run -f /manifests/restore-offsite.yaml
assert_eq 0 "$(job_exit)" "exit code of the restore of a seed-made dump from the bucket"
assert_eq "$before_db" "$(database_fingerprint)" "database after restoring the seed-made dump"

# keepLocal: true (the default) writes the set to both places.
sed -i 's/keepLocal: false/keepLocal: true/' "$WORK/manifests/offsite-prod.yaml"
run_job run -f /manifests/offsite-prod.yaml
assert_eq 0 "$(job_exit)" "exit code of the backup to both places"
local_dump=$(find "$BACKUPS" -maxdepth 1 -name 'beelab_prod_db_app_*.sql.gz' -printf '%f\n')
[ -n "$local_dump" ] || fail "keepLocal: true left no local dump"
aws_s3 s3 cp "s3://$S3_BUCKET/beelab/$local_dump" - | cmp - "$BACKUPS/$local_dump" ||
  fail "the bucket's copy of $local_dump differs from the local file"
echo "PASS $TEST_NAME"
