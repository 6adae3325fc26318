#!/usr/bin/env bash
# bench/restore.sh: Hivekeeper's restore against the seed's shell pipeline, on a stack of its own.
#
# In one run it
#   1. brings up its own Compose stack and fills the database `app` to BENCH_DB_MB of plain
#      pg_dump output, as bench/backup.sh does (bench/lib.sh; no media unless BENCH_MEDIA_MB > 0);
#   2. takes one backup with `docker compose run --rm backup-job backup prod`: the .sql.gz (with
#      its metadata: sha256 and per-table row counts) that every measured restore loads;
#   3. measures, interleaved, BENCH_RUNS times each (median reported), each into a fresh empty
#      database (DROP DATABASE app WITH (FORCE); CREATE DATABASE app; CHECKPOINT, untimed):
#        a. the seed: gunzip -c FILE | docker compose exec -T db psql -X -q -U app app
#        b. docker compose run --rm restore-job restore prod FILE --no-safety-backup
#           (container start included; integrity checks included: sha256 against the metadata,
#           the dump's trailer, psql's COPY row counts against the metadata, all before COMMIT)
#      wall time, and the runner's peak RSS (status.peakMemoryBytes of
#      backups/django/status/restore-prod.json), with the quiet gate, CPU accounting and retries
#      of bench/lib.sh;
#   4. checks after each run that the database holds every table with the backup's row counts
#      (the seed's psql does not stop on errors, so its output is checked for ERROR too) and
#      prints Markdown tables: wall, ratio against the seed (target <= 1.0), peak RSS (< 64 MiB);
#   5. removes its stack and scratch dir on exit, unless BENCH_KEEP=1.
#
# Environment: as bench/backup.sh (BENCH_DB_MB default 1200, BENCH_RUNS default 3, BENCH_KEEP,
# BENCH_SAMPLE, BENCH_QUIET_*, BENCH_FOREIGN_PCT, BENCH_RETRIES, BENCH_PROJECT, BENCH_SCRATCH,
# BENCH_OUT, HIVEKEEPER_IMAGE, POSTGRES_IMAGE, WEB_IMAGE); BENCH_MEDIA_MB defaults to 0 here.
set -euo pipefail
BENCH_NAME=restore.sh
BENCH_MEDIA_MB_DEFAULT=0
BENCH_DIAG_DEFAULT=0
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# 1. the stack and the database
stack_up
generate_database
generate_media

# 2. the backup every run restores
log "taking the backup to restore"
dc run --rm -T backup-job backup prod >"$S/logs/backup.log" 2>&1 || { cat "$S/logs/backup.log" >&2; exit 1; }
BACKUP_STATUS=$S/hk/status/backup-prod.json
DUMP_FILE=$(basename "$(jq -r '.status.artifacts[] | select(.kind == "database") | .path' "$BACKUP_STATUS")")
METADATA_FILE=$(basename "$(jq -r '.status.artifacts[] | select(.kind == "metadata") | .path' "$BACKUP_STATUS")")
[[ -s $S/hk/$DUMP_FILE && -s $S/hk/$METADATA_FILE ]] || { echo "$BENCH_NAME: the backup left no dump" >&2; exit 1; }
# "table rows" per line, sorted: what every restore must bring back
jq -r '.database.rowCounts | to_entries[] | "\(.key | sub("^public\\."; "")) \(.value)"' "$S/hk/$METADATA_FILE" | sort >"$S/expected-rows"
[[ -s $S/expected-rows ]] || { echo "$BENCH_NAME: the metadata has no row counts" >&2; exit 1; }
log "restoring $DUMP_FILE ($(mb "$(fsize "$S/hk/$DUMP_FILE")") MB; $(wc -l <"$S/expected-rows") tables)"
dc run --rm -T restore-job version >/dev/null 2>&1 || true  # the container start out of run 1
t0=$(now); dc run --rm -T restore-job version >/dev/null 2>&1 || true; RUN_NOOP_S=$(elapsed "$t0" "$(now)")

# 3. measurements
fresh_database() {
  dc exec -T db psql -X -q -v ON_ERROR_STOP=1 -U app -d postgres \
    -c 'DROP DATABASE IF EXISTS app WITH (FORCE)' -c 'CREATE DATABASE app OWNER app' -c CHECKPOINT >/dev/null
}
check_restored() { # what: the database must hold the backup's tables with its row counts
  local table rows actual
  while read -r table rows; do
    actual=$(psql_app -At -c "SELECT count(*) FROM public.\"$table\"")
    [[ $actual == "$rows" ]] || { echo "$BENCH_NAME: after $1, $table has $actual rows, the backup $rows" >&2; exit 1; }
  done <"$S/expected-rows"
}
seed_restore() {
  gunzip -c "$S/hk/$DUMP_FILE" | dc exec -T db psql -X -q -U app app >"$S/logs/seed-$1.out" 2>"$S/logs/seed-$1.err"
  if grep -q ERROR "$S/logs/seed-$1.err"; then
    echo "$BENCH_NAME: the seed's restore printed errors:" >&2; head -5 "$S/logs/seed-$1.err" >&2; exit 1
  fi
  LAST_BYTES=$(fsize "$S/hk/$DUMP_FILE")
}
hk_restore() {
  local rc=0 status=$S/hk/status/restore-prod.json
  rm -f "$status"
  dc run --rm -T restore-job restore prod "$DUMP_FILE" --no-safety-backup >"$S/logs/hk-$1.log" 2>&1 || rc=$?
  if ((rc != 0)) || [[ $(jq -r .status.phase "$status" 2>/dev/null) != Succeeded ]]; then
    echo "$BENCH_NAME: hivekeeper restore prod $DUMP_FILE failed (exit $rc):" >&2
    cat "$S/logs/hk-$1.log" >&2
    exit 1
  fi
  LAST_BYTES=$(fsize "$S/hk/$DUMP_FILE")
  LAST_RSS=$(jq .status.peakMemoryBytes "$status")
  LAST_HK_LOG=$S/logs/hk-$1.log
  LAST_HK_STATUS=$(jq -c '.status.database.rowCounts | del(.mismatches)' "$status")
}
seed_checked() { seed_restore "$1"; check_restored "the seed's restore"; }
hk_checked() { hk_restore "$1"; check_restored "hivekeeper's restore"; }

log "measuring: $BENCH_RUNS run(s) of each, interleaved, each into a fresh database"
LOADAVG_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
for ((i = 1; i <= BENCH_RUNS; i++)); do
  measure seed_restore "$i" seed_checked fresh_database
  measure hk_restore "$i" hk_checked fresh_database
done
LOADAVG_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# 4. the report (the row-count check ran inside each measured command, after its restore)
MED_SEED=$(echo "${WALL[seed_restore]}" | median)
MED_HK=$(echo "${WALL[hk_restore]}" | median)
RSS_MAX=$(echo "${RSS[hk_restore]}" | tr ' ' '\n' | sort -g | tail -n 1)
R_WALL=$(ratio "$MED_HK" "$MED_SEED")

report() {
  cat <<EOF
### Restore benchmark: DB ${BENCH_DB_MB} MB, ${BENCH_RUNS} run(s)

- $(machine_line)
- database: plain \`pg_dump app\` = $DUMP_BYTES bytes ($(mb "$DUMP_BYTES") MB; $ACC_ROWS accounts, $HIST_ROWS history, $DOC_ROWS documents rows); restored file $DUMP_FILE, $(mb "$(fsize "$S/hk/$DUMP_FILE")") MB (made by \`backup prod\`, restored by both)
- each run into a fresh database; checked after each: every table's row count equals the backup's metadata
- \`docker compose run --rm restore-job version\` (container start and removal alone): $RUN_NOOP_S s
- load average before / after the measurements: $LOADAVG_BEFORE / $LOADAVG_AFTER

| command | wall s (median) | wall s (each run) | runner peak RSS MiB (each run) |
|---|---:|---|---|
| seed: \`gunzip -c FILE \\| docker compose exec -T db psql -U app app\` | $MED_SEED | $(wall_list "${WALL[seed_restore]}") | – |
| \`docker compose run --rm restore-job restore prod FILE --no-safety-backup\` | $MED_HK | $(wall_list "${WALL[hk_restore]}") | $(rss_list "${RSS[hk_restore]}") |

| comparison | value | target | |
|---|---:|---|---|
| hivekeeper/seed wall | $R_WALL | ≤ 1.00 | $(verdict "$R_WALL" 1.00 "<=") |
| runner peak RSS (max of all runs) | $(mib "$RSS_MAX") MiB | < 64 MiB | $(verdict "$(mib "$RSS_MAX")" 64 "<") |

Row counts the last Hivekeeper run verified before its COMMIT: $LAST_HK_STATUS

Every attempt (wall s; host idle share just before; CPU-seconds used during it in our containers and in other Docker containers; an attempt during which others used more than $BENCH_FOREIGN_PCT% of the host's CPU, at least 1 CPU-s, is discarded and repeated, at most $BENCH_RETRIES times):
EOF
  for key in seed_restore hk_restore; do echo "- $key: ${ATTEMPTS[$key]}"; done
  if [[ $BENCH_SAMPLE == 1 ]]; then
    echo
    echo "CPU during the first run of each (top -b -d 1):"
    echo
    for key in seed_restore hk_restore; do
      if [[ -s $S/samples/$key.top ]]; then echo "- $key: $(summarize_top "$S/samples/$key.top")"; fi
    done
  fi
  echo
  echo "Runner log of the last restore:"
  echo
  echo '```'
  grep -v '^ *$' "$LAST_HK_LOG"
  echo '```'
}
print_report "$(report)"
exit 0
