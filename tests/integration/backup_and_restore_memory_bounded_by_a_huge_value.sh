# Memory stays bounded whatever one row holds: a table with one 256 MiB bytea value (a 512 MiB
# line of the dump's COPY data) backs up and restores with Hivekeeper, the value comes back
# byte for byte, and the runner's peak memory (the status's peakMemoryBytes) stays under 64 MiB
# in the backup and in the restore. Issue 11: the dump scanner and the restore's SQL filter each
# held the longest line whole; only line prefixes matter to the runner.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/hostile_dump.bash"
setup_project
start_app
seed_database
limit=$((64 * 1024 * 1024))
# A 64 KiB block of md5 output repeated 4096 times: as hex its period (128 KiB) is longer than
# LZ4's and gzip's windows, so the value does not compress away. (A value that does, such as
# 'abab...', crosses the exec stream at 1/255 of its size: the engine gives an exec's output
# 2 s to drain once the process ends, and a runner still decoding the last 100 MiB loses the
# dump's tail.)
psql_app -c "CREATE TABLE beefont_archive (id int PRIMARY KEY, payload bytea NOT NULL)" \
  -c "INSERT INTO beefont_archive SELECT 1, decode(repeat(encode(string_agg(decode(md5(n::text), 'hex'), ''::bytea ORDER BY n), 'hex'), 4096), 'hex') FROM generate_series(1, 4096) n" \
  -c "INSERT INTO beefont_archive VALUES (2, '\\x00')" >/dev/null
payload() { psql_app -c "SELECT string_agg(format('%s %s %s', id, length(payload), md5(payload)), ', ' ORDER BY id) FROM beefont_archive"; }
original=$(payload)
case "$original" in "1 268435456 "*) ;; *) fail "the big value was not made: $original" ;; esac
original_db=$(database_fingerprint)

run_job backup prod
assert_eq 0 "$(job_exit)" "exit code of the backup"
backup_peak=$(status_field "$BACKUPS/status/backup-prod.json" .status.peakMemoryBytes)

psql_app -c "DELETE FROM beefont_archive WHERE id = 1" -c "UPDATE auth_user SET username = username || '-after'" >/dev/null
run_restore_within 170 restore prod --no-safety-backup
assert_eq 0 "$(job_exit)" "exit code of the restore"
restore_peak=$(status_field "$(restore_status)" .status.peakMemoryBytes)
assert_eq "$original" "$(payload)" "the big value after the restore"
assert_eq "$original_db" "$(database_fingerprint)" "database after the restore"

mib() { echo "$(($1 / 1024 / 1024)) MiB"; }
[[ "$backup_peak" =~ ^[0-9]+$ && "$restore_peak" =~ ^[0-9]+$ ]] || fail "no peak memory in the status: backup [$backup_peak], restore [$restore_peak]"
if [ "$backup_peak" -ge "$limit" ] || [ "$restore_peak" -ge "$limit" ]; then
  fail "peak memory over 64 MiB: backup $(mib "$backup_peak"), restore $(mib "$restore_peak")"
fi
echo "peak memory: backup $(mib "$backup_peak"), restore $(mib "$restore_peak")"
echo "PASS $TEST_NAME"
