#!/usr/bin/env bash
# bench/huge_value.sh: memory and time for one huge value, the case where a runner that keeps a
# whole line of the dump in memory grows with the data. On a stack of its own it
#   1. creates, in the demo's database, a table with one bytea value of BENCH_VALUE_MIB MiB
#      (default 256: a dump line of twice that as hex), of md5 blocks that do not compress away;
#   2. measures, interleaved, BENCH_RUNS times each (median reported):
#        a. the seed's backup: docker compose exec -T db pg_dump -U app app | gzip > db.sql.gz
#        b. docker compose run --rm backup-job backup prod
#   3. measures, interleaved, BENCH_RUNS times each, each after the value's row was deleted:
#        c. the seed's restore: gunzip -c FILE | docker compose exec -T db psql -U app app, into a
#           fresh database (the seed's dump has no DROP: it restores into an empty one)
#        d. docker compose run --rm restore-job restore prod FILE --reset --no-safety-backup
#      each followed (untimed) by a check that the value is back, byte for byte (length and md5);
#   4. prints Markdown tables with the runner's peak RSS (status.peakMemoryBytes; target < 64 MiB)
#      and writes them to BENCH_OUT (default bench/results/<UTC date>-huge-value.md, appended to).
# Environment: BENCH_VALUE_MIB (default 256, whole MiB),
# BENCH_RUNS (default 3), and the rest as bench/backup.sh.
set -euo pipefail
BENCH_NAME=huge_value.sh
BENCH_DB_MB=0
BENCH_MEDIA_MB=0
BENCH_VALUE_MIB=${BENCH_VALUE_MIB:-256}
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[[ $BENCH_VALUE_MIB =~ ^[1-9][0-9]*$ ]] ||
  { echo "$BENCH_NAME: BENCH_VALUE_MIB must be a positive whole number" >&2; exit 2; }
BENCH_OUT=${BENCH_OUT:-$REPO/bench/results/$(date -u +%Y-%m-%d)-huge-value.md}
mkdir -p "$S/seed"

# 1. the stack and the value: a 64 KiB block of md5 output, repeated; as hex its period (128 KiB)
# is longer than LZ4's and gzip's windows.
stack_up
repeats=$((BENCH_VALUE_MIB * 16))
log "creating one bytea value of $BENCH_VALUE_MIB MiB"
psql_app -c "CREATE TABLE bench_archive (id int PRIMARY KEY, payload bytea NOT NULL)" \
  -c "INSERT INTO bench_archive SELECT 1, decode(repeat(encode(string_agg(decode(md5(n::text), 'hex'), ''::bytea ORDER BY n), 'hex'), $repeats), 'hex') FROM generate_series(1, 4096) n" \
  -c "INSERT INTO bench_archive VALUES (2, '\\x00')" >/dev/null
payload() { psql_app -At -c "SELECT string_agg(format('%s %s %s', id, length(payload), md5(payload)), ', ' ORDER BY id) FROM bench_archive"; }
ORIGINAL=$(payload)
[[ $ORIGINAL == "1 $((BENCH_VALUE_MIB * 1048576)) "* ]] || { echo "$BENCH_NAME: the value was not made: $ORIGINAL" >&2; exit 1; }
dc run --rm -T backup-job version >/dev/null 2>&1 || true  # the container start out of run 1

# 2. backups
seed_backup() {
  dc exec -T db pg_dump -U app app | gzip >"$S/seed/db.sql.gz"
  LAST_BYTES=$(fsize "$S/seed/db.sql.gz")
}
hk_backup() {
  find "$S/hk" -maxdepth 1 -type f -delete
  hk_job "$1" backup prod
  LAST_BYTES=$(jq '[.status.artifacts[] | select(.kind == "database") | .bytes] | add' "$HK_STATUS")
  HK_DUMP=$(basename "$(jq -r '.status.artifacts[] | select(.kind == "database") | .path' "$HK_STATUS")")
}
log "measuring backups: $BENCH_RUNS run(s) of each, interleaved"
LOADAVG_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
for ((i = 1; i <= BENCH_RUNS; i++)); do
  measure seed_backup "$i" seed_backup
  measure hk_backup "$i" hk_backup
done

# 3. restores, of the last Hivekeeper backup (the seed's into a fresh database, as it must be)
damage() { psql_app -c "DELETE FROM bench_archive WHERE id = 1" >/dev/null; }
fresh_database() {
  dc exec -T db psql -X -q -v ON_ERROR_STOP=1 -U app -d postgres \
    -c 'DROP DATABASE IF EXISTS app WITH (FORCE)' -c 'CREATE DATABASE app OWNER app' -c CHECKPOINT >/dev/null
}
check_value() { # what
  local now
  now=$(payload)
  [[ $now == "$ORIGINAL" ]] || { echo "$BENCH_NAME: after $1 the value is [$now], not [$ORIGINAL]" >&2; exit 1; }
}
seed_restore() {
  gunzip -c "$S/hk/$HK_DUMP" | dc exec -T db psql -X -q -U app app >"$S/logs/seed-restore-$1.out" 2>&1
  if grep -q ERROR "$S/logs/seed-restore-$1.out"; then
    echo "$BENCH_NAME: the seed's restore printed errors:" >&2; head -5 "$S/logs/seed-restore-$1.out" >&2; exit 1
  fi
  LAST_BYTES=$(fsize "$S/hk/$HK_DUMP")
  check_value "the seed's restore"
}
hk_restore() {
  hk_job "$1" restore prod "$HK_DUMP" --reset --no-safety-backup
  LAST_BYTES=$(fsize "$S/hk/$HK_DUMP")
  check_value "hivekeeper's restore"
}
log "measuring restores of $HK_DUMP: $BENCH_RUNS run(s) of each, interleaved"
for ((i = 1; i <= BENCH_RUNS; i++)); do
  measure seed_restore "$i" seed_restore fresh_database
  measure hk_restore "$i" hk_restore damage
done
LOADAVG_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# 4. the report
report() {
  local key
  cat <<EOF
### One huge value: a ${BENCH_VALUE_MIB} MiB bytea, ${BENCH_RUNS} run(s)

- $(machine_line)
- the table: one row of $((BENCH_VALUE_MIB * 1048576)) bytes (a dump line of $((BENCH_VALUE_MIB * 2)) MiB as hex) and one of 1 byte; after every restore the value's length and md5 are checked
- load average before / after the measurements: $LOADAVG_BEFORE / $LOADAVG_AFTER

| command | wall s (median) | wall s (each run) | output MB (median) | runner peak RSS MiB (each run) |
|---|---:|---|---:|---|
EOF
  for key in seed_backup hk_backup seed_restore hk_restore; do
    local label
    case $key in
      seed_backup) label='seed: `docker compose exec -T db pg_dump -U app app \| gzip`' ;;
      hk_backup) label='`docker compose run --rm backup-job backup prod`' ;;
      seed_restore) label='seed: `gunzip -c FILE \| docker compose exec -T db psql` (fresh database)' ;;
      hk_restore) label='`docker compose run --rm restore-job restore prod FILE --reset --no-safety-backup`' ;;
    esac
    echo "| $label | $(echo "${WALL[$key]}" | median) | $(wall_list "${WALL[$key]}") | $(mb "$(echo "${SIZE[$key]}" | median)") | $(rss_list "${RSS[$key]:-}") |"
  done
  local peak
  peak=$(echo "${RSS[hk_backup]} ${RSS[hk_restore]}" | tr ' ' '\n' | grep -v '^$' | sort -g | tail -n 1)
  echo
  echo "| comparison | value | target | |"
  echo "|---|---:|---|---|"
  echo "| runner peak RSS (max of all runs) | $(mib "$peak") MiB | < 64 MiB | $(verdict "$(mib "$peak")" 64 "<") |"
  echo
  echo "Every attempt:"
  for key in seed_backup hk_backup seed_restore hk_restore; do echo "- $key: ${ATTEMPTS[$key]}"; done
}
print_report "$(report)"
exit 0
