# The seed's usage with a bucket and a key: `backup prod --media --s3-bucket ... --age-recipient`
# and `restore prod --reset --media latest --s3-bucket ... --age-identity FILE`, against a real
# S3 API server (moto_server). Each --dry-run reads the bucket (a wrong key or a missing bucket
# is a failed check, exit 1) and changes nothing: no object, no upload, no local file, the
# database and the media as they were. The real runs then write .age objects only to the bucket
# and bring the database and media back from it.
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
bucket_flags=(--s3-bucket "$S3_BUCKET" --s3-endpoint "$S3_ENDPOINT" --s3-path-style --s3-prefix beelab/prod)
objects() { aws_s3 s3api list-objects-v2 --bucket "$S3_BUCKET" | jq '.Contents // [] | length'; }
uploads() { aws_s3 s3api list-multipart-uploads --bucket "$S3_BUCKET" | jq '.Uploads // [] | length'; }

# A backup --dry-run checks the bucket and the key, and writes nothing anywhere.
run_job backup prod --media --prefix beelab "${bucket_flags[@]}" --no-keep-local \
  --age-recipient "$recipient" --dry-run
assert_eq 0 "$(job_exit)" "exit code of backup --dry-run to the bucket"
assert_contains "$WORK/stdout" "bucket s3://$S3_BUCKET/beelab/prod/ answers (0 objects)"
assert_contains "$WORK/stdout" "the age recipients read (1)"
assert_contains "$WORK/stdout" "upload to s3://$S3_BUCKET/beelab/prod/"
assert_contains "$WORK/stdout" ".sql.gz.age"
assert_eq 0 "$(objects)" "objects after backup --dry-run"
[ -z "$(backup_files)" ] || fail "backup --dry-run wrote into the directory: $(backup_files)"

# A missing bucket and wrong keys are failed checks of the dry run.
run_job backup prod --media --prefix beelab --s3-bucket no-such-bucket --s3-endpoint "$S3_ENDPOINT" \
  --s3-path-style --dry-run
assert_eq 1 "$(job_exit)" "exit code of backup --dry-run to a missing bucket"
assert_contains "$WORK/stdout" "would fail"
assert_contains "$WORK/stdout" "no-such-bucket"

# The real backup: only .age objects in the bucket, nothing left in the directory.
run_job backup prod --media --prefix beelab "${bucket_flags[@]}" --no-keep-local --age-recipient "$recipient"
assert_eq 0 "$(job_exit)" "exit code of the backup with flags"
aws_s3 s3 ls "s3://$S3_BUCKET/beelab/prod/" >"$WORK/listing"
assert_eq 1 "$(grep -c 'beelab_prod_db_app_.*\.sql\.gz\.age$' "$WORK/listing")" "encrypted dumps in the bucket"
assert_eq 1 "$(grep -c 'beelab_prod_media_.*\.tgz\.age$' "$WORK/listing")" "encrypted media archives in the bucket"
assert_eq 0 "$(grep -c '\.sql\.gz$\|\.tgz$' "$WORK/listing")" "plaintext artifacts in the bucket"
[ -z "$(backup_files)" ] || fail "--no-keep-local left files in the directory: $(backup_files)"
set_name=$(grep -o 'beelab_prod_2[0-9_-]*\.json' "$WORK/listing" | sed 's/\.json$//')

run_job list prod "${bucket_flags[@]}"
assert_eq 0 "$(job_exit)" "exit code of list with the bucket flags"
assert_contains "$WORK/stdout" "$set_name"
run_job verify prod latest "${bucket_flags[@]}" --age-identity /manifests/key.txt
assert_eq 0 "$(job_exit)" "exit code of verify with the bucket flags and the identity"

# Changes after the backup.
before_db=$(database_fingerprint)
before_media=$(media_fingerprint_of_volume)
psql_app -c "UPDATE auth_user SET username = username || '-after'" >/dev/null
docker run --rm -v "$MEDIA_VOLUME:/m" "$WEB_IMAGE" bash -c 'echo changed > /m/glyphs/g2.svg'
changed_db=$(database_fingerprint)
changed_media=$(media_fingerprint_of_volume)
objects_before=$(objects)

# restore --dry-run with the wrong key: a failed check, nothing touched.
run_restore restore prod --reset --media latest --prefix beelab "${bucket_flags[@]}" \
  --age-identity /manifests/other-key.txt --dry-run
assert_eq 1 "$(job_exit)" "exit code of restore --dry-run with the wrong key"
assert_contains "$WORK/stdout" "would fail"
# restore --dry-run with the key reads the set whole from the bucket and changes nothing.
run_restore restore prod --reset --media latest --prefix beelab "${bucket_flags[@]}" \
  --age-identity /manifests/key.txt --dry-run
assert_eq 0 "$(job_exit)" "exit code of restore --dry-run from the bucket"
assert_contains "$WORK/stdout" "reads whole"
assert_contains "$WORK/stdout" "the restore would run"
assert_eq "$changed_db" "$(database_fingerprint)" "database after restore --dry-run"
assert_eq "$changed_media" "$(media_fingerprint_of_volume)" "media after restore --dry-run"
assert_eq "$objects_before" "$(objects)" "objects after restore --dry-run"
leftovers=$(find "$BACKUPS" -mindepth 1 -maxdepth 1 -name '.hivekeeper-*' -printf '%f\n')
[ -z "$leftovers" ] || fail "restore --dry-run left $leftovers in the directory"

# drill --dry-run from the bucket.
JOB_SERVICE=drill-job run_job drill prod --prefix beelab "${bucket_flags[@]}" \
  --age-identity /manifests/key.txt --dry-run
assert_eq 0 "$(job_exit)" "exit code of drill --dry-run from the bucket"
assert_contains "$WORK/stdout" "bucket s3://$S3_BUCKET/beelab/prod/ answers"

# The real restore from the bucket with the key brings back what the backup saw.
run_restore restore prod --reset --media latest --prefix beelab "${bucket_flags[@]}" \
  --age-identity /manifests/key.txt --terminate-connections
assert_eq 0 "$(job_exit)" "exit code of the restore from the bucket with flags"
assert_eq "$before_db" "$(database_fingerprint)" "database after the restore"
assert_eq "$before_media" "$(media_fingerprint_of_volume)" "media after the restore"
assert_eq 0 "$(uploads)" "multipart uploads left open"
grep -q "$AWS_SECRET_ACCESS_KEY" "$BACKUPS"/status/*.json "$WORK/stderr" "$WORK/stdout" &&
  fail "the secret key was written out"
echo "PASS $TEST_NAME"
