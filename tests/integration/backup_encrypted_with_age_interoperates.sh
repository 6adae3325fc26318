# spec.encryption.age with the reference age tool (1.2.1, Debian's): a backup encrypted to an
# X25519 recipient writes only .age artifacts (metadata in the clear, with both digests), which
# `age -d` decrypts to the dump and the media archive; a RestoreJob with the identity restores
# them; a dump the seed's way encrypted with `age -r` restores; a wrong key, a tampered file and a
# truncated file each fail with a clear error before anything is touched.
source "$(dirname "$0")/lib.sh"
setup_project
start_app
seed_database
seed_media
age-keygen -o "$WORK/manifests/key.txt" 2>/dev/null
age-keygen -o "$WORK/manifests/other-key.txt" 2>/dev/null
recipient=$(age-keygen -y "$WORK/manifests/key.txt")

cat >"$WORK/manifests/encrypted.yaml" <<YAML
apiVersion: hivekeeper.io/v1
kind: BackupJob
metadata: {name: encrypted-prod}
spec:
  environment: prod
  media: {enabled: true}
  output: {prefix: beelab}
  encryption:
    age:
      recipients: [$recipient]
YAML
run_job run -f /manifests/encrypted.yaml
assert_eq 0 "$(job_exit)" "exit code of the encrypted backup"
dump=$(find "$BACKUPS" -maxdepth 1 -name 'beelab_prod_db_app_*.sql.gz.age')
media=$(find "$BACKUPS" -maxdepth 1 -name 'beelab_prod_media_*.tgz.age')
metadata=$(find "$BACKUPS" -maxdepth 1 -name 'beelab_prod_2*.json')
[ -n "$dump" ] && [ -n "$media" ] && [ -n "$metadata" ] || fail "encrypted set incomplete: $(ls "$BACKUPS")"
[ -z "$(find "$BACKUPS" -maxdepth 1 -name '*.sql.gz' -o -maxdepth 1 -name '*.tgz')" ] ||
  fail "plaintext artifacts written beside the encrypted ones"
age -d -i "$WORK/manifests/key.txt" "$dump" >"$WORK/dump.sql.gz" || fail "age -d cannot decrypt the dump"
gunzip -c "$WORK/dump.sql.gz" >"$WORK/dump.sql"
grep -q 'COPY public.auth_user' "$WORK/dump.sql" || fail "the decrypted dump holds no auth_user"
age -d -i "$WORK/manifests/key.txt" "$media" | tar tzf - >"$WORK/media-entries"
grep -q 'glyphs/g1.svg' "$WORK/media-entries" || fail "the decrypted media archive holds no glyphs/g1.svg"
file=$(basename "$dump")
assert_eq age "$(jq -r --arg f "$file" '.artifacts[] | select(.file == $f) | .encryption' "$metadata")" "encryption in the metadata"
assert_eq "$(sha256sum <"$WORK/dump.sql.gz" | cut -d' ' -f1)" \
  "$(jq -r --arg f "$file" '.artifacts[] | select(.file == $f) | .plaintext.sha256' "$metadata")" "plaintext sha256"
assert_eq "$(sha256sum <"$dump" | cut -d' ' -f1)" \
  "$(jq -r --arg f "$file" '.artifacts[] | select(.file == $f) | .sha256' "$metadata")" "sha256 of the encrypted file"
grep -q AGE-SECRET-KEY "$metadata" "$BACKUPS/status/encrypted-prod.json" && fail "a secret key was written out"

restore_manifest() { # name key-file [database]
  cat >"$WORK/manifests/$1.yaml" <<YAML
apiVersion: hivekeeper.io/v1
kind: RestoreJob
metadata: {name: $1}
spec:
  environment: prod
  reset: true
  source: {prefix: beelab, database: ${3:-latest}, media: latest}
  encryption:
    age:
      identityFrom: {file: /manifests/$2}
YAML
}
# Changes after the backup.
before_db=$(database_fingerprint)
before_media=$(media_fingerprint_of_volume)
psql_app -c "UPDATE auth_user SET username = username || '-after'" >/dev/null
changed_db=$(database_fingerprint)

# A wrong key: refused before anything is touched.
restore_manifest wrong-key other-key.txt
run_restore run -f /manifests/wrong-key.yaml
assert_eq 1 "$(job_exit)" "exit code with the wrong key"
assert_contains "$WORK/stderr" "no identity matches"
assert_eq "$changed_db" "$(database_fingerprint)" "database after the refused restore"
[ -z "$(find "$BACKUPS" -maxdepth 1 -name '*pre-restore*')" ] || fail "a safety backup was taken for a refused restore"

# A tampered copy and a truncated copy of the dump, as sets of their own.
tampered=beelab_prod_db_app_2025-01-01_000001.sql.gz.age
truncated=beelab_prod_db_app_2025-01-01_000002.sql.gz.age
cp "$dump" "$BACKUPS/$tampered"
size=$(stat -c %s "$dump")
printf '\x42' | dd of="$BACKUPS/$tampered" bs=1 seek=$((size / 2)) conv=notrunc status=none
head -c $((size - 100)) "$dump" >"$BACKUPS/$truncated"
restore_manifest tampered key.txt "$tampered"
run_restore run -f /manifests/tampered.yaml
assert_eq 1 "$(job_exit)" "exit code for a tampered file"
assert_contains "$WORK/stderr" "failed authentication"
restore_manifest truncated key.txt "$truncated"
run_restore run -f /manifests/truncated.yaml
assert_eq 1 "$(job_exit)" "exit code for a truncated file"
assert_contains "$WORK/stderr" "truncated"
assert_eq "$changed_db" "$(database_fingerprint)" "database after the refused restores"
rm -f "$BACKUPS/$tampered" "$BACKUPS/$truncated"

# The right key restores database and media.
restore_manifest restore-encrypted key.txt
run_restore run -f /manifests/restore-encrypted.yaml
assert_eq 0 "$(job_exit)" "exit code of the encrypted restore"
assert_eq "$before_db" "$(database_fingerprint)" "database after the encrypted restore"
assert_eq "$before_media" "$(media_fingerprint_of_volume)" "media after the encrypted restore"
[ -z "$(find "$BACKUPS" -maxdepth 1 -name '.hivekeeper-fetch*')" ] || fail "decrypted copies left behind"

# verify opens the encrypted set with the identity.
run_job verify prod latest -f /manifests/restore-encrypted.yaml
assert_eq 0 "$(job_exit)" "exit code of verify on the encrypted set"

# The seed's way, encrypted with the reference tool: pg_dump | gzip | age -r.
psql_app -c "UPDATE auth_user SET username = username || '-seed'" >/dev/null
seed_db=$(database_fingerprint)
compose exec -T db pg_dump -U app app | gzip | age -r "$recipient" >"$BACKUPS/beelab_prod_db_app_2025-02-03_040506.sql.gz.age"
psql_app -c "UPDATE auth_user SET username = username || '-later'" >/dev/null
restore_manifest seed-made key.txt beelab_prod_db_app_2025-02-03_040506.sql.gz.age
sed -i 's/, media: latest//' "$WORK/manifests/seed-made.yaml"
run_restore run -f /manifests/seed-made.yaml
assert_eq 0 "$(job_exit)" "exit code of restoring an age -r encrypted seed dump"
assert_eq "$seed_db" "$(database_fingerprint)" "database after restoring the age -r encrypted dump"
echo "PASS $TEST_NAME"
