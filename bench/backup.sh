#!/usr/bin/env bash
# bench/backup.sh: Hivekeeper's backup against the seed's shell pipeline, on a stack of its own.
#
# In one run it
#   1. brings up its own Compose stack, project `hkbench` (copies of deploy/compose/demo/compose.yml
#      and deploy/compose/hivekeeper.yml in a scratch dir, plus an override giving the db a bigger
#      shared_buffers and WAL settings for the bulk load);
#   2. fills the database `app` with SQL (generate_series INSERT ... SELECT, all tables logged):
#      pgbench-like tables (accounts/branches/tellers/history) and a `documents` table with
#      text/numeric/timestamptz columns (~1/6 of the total), VACUUM FREEZE ANALYZE, CHECKPOINT,
#      then checks that `pg_dump app | wc -c` reaches the target;
#   3. fills the media volume (inside the `web` container, which mounts it): many small SVG-like
#      text files in nested folders (uploads/YYYY/MM/DD) and a few hundred 1-2 MiB incompressible
#      files with PNG/JPEG magic headers followed by /dev/urandom bytes (photos/YYYY/MM);
#   4. measures, interleaved, BENCH_RUNS times each (median reported), wall time and output size of
#        a. the seed, DB + media in sequence:
#           docker compose exec -T db pg_dump -U app app | gzip > db.sql.gz
#           docker compose exec -T web tar czf - -C /app/media . > media.tgz
#        b. docker compose run --rm backup-job backup prod --media   (container start included)
#        c. the seed, DB only: docker compose exec -T db pg_dump -U app app | gzip -6 > db.sql.gz
#        d. docker compose run --rm backup-job backup prod
#        e. docker compose run --rm backup-job backup prod --media --compression zstd   (BENCH_ZSTD=1)
#        f. docker compose run --rm backup-job backup prod --compression zstd           (BENCH_ZSTD=1)
#      plus the runner's peak RSS (status.peakMemoryBytes of backups/django/status/backup-prod.json)
#      and, on the first run of each, a `top -b -d 1` sample (host CPU and per-process CPU).
#      The machine may be shared: each command waits for an idle host first, and a run during
#      which other Docker containers used CPU is repeated (see BENCH_QUIET_* / BENCH_FOREIGN_PCT);
#   5. checks the last Hivekeeper output once (gunzip -t and the "dump complete" trailer of the
#      dump, tar tzf of the media archive against the volume's file count) and prints Markdown
#      tables: command, wall s, output MB, runner peak RSS, ratios against the targets
#      (DB + media <= 0.5x seed wall at <= 1.05x its size; DB only <= 0.75x pg_dump | gzip -6;
#      runner peak RSS < 64 MiB);
#      With BENCH_DIAG=1 it also times the pieces once each (pg_dump alone, the exec stream alone,
#      pg_dump -Z, tar with and without gzip, the engine's archive API) to show where the time goes;
#   6. removes its stack (`docker compose -p hkbench down -v`) and scratch dir on exit, unless
#      BENCH_KEEP=1.
#
# Environment:
#   BENCH_DB_MB     target plain pg_dump size in MB (10^6 bytes), default 1200
#   BENCH_MEDIA_MB  target media volume content in MB (10^6 bytes), default 500
#   BENCH_RUNS      measured runs of each command, default 3
#   BENCH_KEEP      1 keeps the stack and the scratch dir (default 0)
#   BENCH_SAMPLE    1 samples CPU with top during the first run of each command (default 1)
#   BENCH_QUIET_IDLE  before each measured command, wait until the host is this % idle over 1 s (default 80)
#   BENCH_QUIET_WAIT  ... but at most this many seconds (default 60)
#   BENCH_FOREIGN_PCT share of the host's CPU (wall x cores; at least 1 CPU-s) other Docker containers
#                     may use during a measured command before it is discarded and repeated (default 5),
#                     at most BENCH_RETRIES times (default 4); counted from cgroup v1 cpuacct (all
#                     containers, less ours: db, web, the runner)
#   BENCH_DIAG      1 (default) also times the pieces once: pg_dump and gzip inside the container,
#                   the exec stream alone, pg_dump -Z (compressed inside pg_dump) through it, tar of
#                   the media with and without gzip, the engine's archive API (docker cp)
#   BENCH_ZSTD      1 (default) also measures the opt-in zstd format (e, f; target <= 0.15x the seed)
#   BENCH_PROJECT   Compose project name, default hkbench
#   BENCH_SCRATCH   scratch dir, default a new /tmp/hk-bench.XXXXXX
#   BENCH_OUT       also write the report (Markdown) to this file
#   HIVEKEEPER_IMAGE, POSTGRES_IMAGE, WEB_IMAGE  images (defaults as in the Compose files)
#
# Needs: docker with the compose v2 plugin, bash, gzip, tar, jq, awk, top (procps). Run as a user
# that can use the Docker socket. Sizes: MB = 10^6 bytes; RSS in MiB (2^20 bytes), as the runner logs it.
set -euo pipefail
BENCH_NAME=backup.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# 1.-3. the stack, the database, the media volume (bench/lib.sh)
stack_up
generate_database
generate_media
# and take the container start out of the first measured run
dc run --rm -T backup-job version >/dev/null 2>&1 || true
t0=$(now); dc run --rm -T backup-job version >/dev/null 2>&1 || true; RUN_NOOP_S=$(elapsed "$t0" "$(now)")

# ---------------------------------------------------------------------------------------------
# 4. measurements (measure: bench/lib.sh)
seed_full() {
  rm -f "$S"/seed/full/*
  dc exec -T db pg_dump -U app app | gzip >"$S/seed/full/db.sql.gz"
  dc exec -T web tar czf - -C /app/media . >"$S/seed/full/media.tgz"
  LAST_BYTES=$(($(fsize "$S/seed/full/db.sql.gz") + $(fsize "$S/seed/full/media.tgz")))
}
seed_db() {
  rm -f "$S"/seed/db/*
  dc exec -T db pg_dump -U app app | gzip -6 >"$S/seed/db/db.sql.gz"
  LAST_BYTES=$(fsize "$S/seed/db/db.sql.gz")
}
# hk TAG ARGS...: one `docker compose run --rm backup-job backup prod ARGS`
hk() {
  local tag=$1 rc=0 status
  shift
  find "$S/hk" -maxdepth 1 -type f -delete
  rm -f "$S/hk/status/backup-prod.json"
  dc run --rm -T backup-job backup prod "$@" >"$S/logs/hk-$tag.log" 2>&1 || rc=$?
  status=$S/hk/status/backup-prod.json
  if ((rc != 0)) || [[ $(jq -r .status.phase "$status" 2>/dev/null) != Succeeded ]]; then
    echo "backup.sh: hivekeeper backup prod $* failed (exit $rc):" >&2
    cat "$S/logs/hk-$tag.log" >&2
    exit 1
  fi
  LAST_BYTES=$(jq '[.status.artifacts[] | select(.kind != "metadata") | .bytes] | add' "$status")
  LAST_RSS=$(jq .status.peakMemoryBytes "$status")
  LAST_HK_LOG=$S/logs/hk-$tag.log
}
hk_full() {
  hk "$1" --media
  # keep this DB + media set for the checks
  find "$S/last-full" -mindepth 1 -delete
  find "$S/hk" -maxdepth 1 -type f -exec mv -t "$S/last-full" {} +
  cp "$S/hk/status/backup-prod.json" "$S/last-full/status.json"
  cp "$LAST_HK_LOG" "$S/last-full/runner.log"
}
hk_db() { hk "$1"; }
hk_zstd_full() {
  hk "$1" --media --compression zstd
  ZSTD_FILES=$(find "$S/hk" -maxdepth 1 -type f -name '*.zst' -printf '%p ')
  if command -v zstd >/dev/null; then
    # shellcheck disable=SC2086
    zstd -tq $ZSTD_FILES || { echo "backup.sh: zstd -t fails on $ZSTD_FILES" >&2; exit 1; }
    ZSTD_CHECK="zstd -t OK on the last zstd set"
  else
    ZSTD_CHECK="the zstd set was not checked (no zstd command on this host)"
  fi
}
hk_zstd_db() { hk "$1" --compression zstd; }

log "measuring: $BENCH_RUNS run(s) of each, interleaved"
LOADAVG_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
for ((i = 1; i <= BENCH_RUNS; i++)); do
  measure seed_full "$i" seed_full
  measure hk_full "$i" hk_full
  measure seed_db "$i" seed_db
  measure hk_db "$i" hk_db
  if [[ ${BENCH_ZSTD:-1} == 1 ]]; then
    measure hk_zstd_full "$i" hk_zstd_full
    measure hk_zstd_db "$i" hk_zstd_db
  fi
done
LOADAVG_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# Where the time goes: the pieces, once each (same quiet gate and CPU accounting, no retries).
DIAG=
diag() {
  local label=$1 t0 t1 before after split bytes
  shift
  wait_quiet
  before=$(cg_snapshot 2>/dev/null || echo "0 0")
  t0=$(now)
  bytes=$("$@" | wc -c)
  t1=$(now)
  after=$(cg_snapshot 2>/dev/null || echo "0 0")
  split=$(cpu_split "$before" "$after")
  ((bytes > 0)) && bytes=$(mb "$bytes") || bytes=–
  DIAG+="| $label | $(elapsed "$t0" "$t1") | $bytes | ${split#* } | ${split% *} |"$'\n'
  LAST_DIAG_WALL=$(elapsed "$t0" "$t1") LAST_DIAG_CPU=${split#* }
  log "  diag: $label: $(elapsed "$t0" "$t1") s, $bytes MB"
}
if [[ $BENCH_DIAG == 1 ]]; then
  log "timing the pieces once each"
  DB_ID=$(dc ps -q db)
  diag '`pg_dump > /dev/null` inside the db container (no exec stream)' dc exec -T db sh -c 'pg_dump -U app app > /dev/null'
  PG_DUMP_WALL=$LAST_DIAG_WALL
  diag '`pg_dump | gzip -6 > /dev/null` inside the db container' dc exec -T db sh -c 'pg_dump -U app app | gzip -6 > /dev/null'
  # The producer's floor on this host: pg_dump cannot go faster than alone, and it and the
  # compression of its output (gzip -6's CPU, the seed's own compressor, standing in for the
  # runner's) cannot use more than the cores there are.
  LAST_GZIP_CPU=$LAST_DIAG_CPU
  FLOOR=$(awk -v w="$PG_DUMP_WALL" -v c="$LAST_GZIP_CPU" -v n="$(nproc)" \
    'BEGIN { f = c / n; if (w > f) f = w; printf "%.2f", f }')
  diag '`docker compose exec -T db pg_dump > /dev/null` (pg_dump + exec stream, via the Compose CLI)' dc exec -T db pg_dump -U app app
  diag '`docker exec db pg_dump > /dev/null` (plain docker CLI)' docker exec "$DB_ID" pg_dump -U app app
  diag '`docker compose exec -T db pg_dump -Z 1` (gzip inside pg_dump, level 1)' dc exec -T db pg_dump -Z 1 -U app app
  diag '`docker compose exec -T db pg_dump -Z 6` (gzip inside pg_dump, level 6)' dc exec -T db pg_dump -Z 6 -U app app
  diag "\`docker exec db head -c $DUMP_BYTES /dev/zero > /dev/null\` (exec stream alone)" docker exec "$DB_ID" head -c "$DUMP_BYTES" /dev/zero
  diag '`tar cf - > /dev/null` of the media inside the web container' dc exec -T web sh -c 'tar cf - -C /app/media . > /dev/null'
  diag '`tar czf - > /dev/null` of the media inside the web container' dc exec -T web sh -c 'tar czf - -C /app/media . > /dev/null'
  diag '`docker compose exec -T web tar cf - > /dev/null` (tar + exec stream)' dc exec -T web tar cf - -C /app/media .
  diag '`docker cp web:/app/media - > /dev/null` (the engine archive API Hivekeeper uses)' docker cp "$(dc ps -q web):/app/media" -
fi

# ---------------------------------------------------------------------------------------------
# 5. correctness of the last run of each Hivekeeper output, then the report
log "checking the Hivekeeper output"
HK_DB_FILE=$S/last-full/$(basename "$(jq -r '.status.artifacts[] | select(.kind == "database") | .path' "$S/last-full/status.json")")
HK_MEDIA_FILE=$S/last-full/$(basename "$(jq -r '.status.artifacts[] | select(.kind == "media") | .path' "$S/last-full/status.json")")
gunzip -t "$HK_DB_FILE"
HK_DUMP_BYTES=$(gunzip -c "$HK_DB_FILE" | wc -c)
gunzip -c "$HK_DB_FILE" | tail -n 5 | grep -q 'PostgreSQL database dump complete' ||
  { echo "backup.sh: the Hivekeeper dump has no 'dump complete' trailer" >&2; exit 1; }
HK_TAR_ENTRIES=$(tar tzf "$HK_MEDIA_FILE" | wc -l)
HK_TAR_FILES=$(tar tvzf "$HK_MEDIA_FILE" | grep -c '^-')
SEED_TAR_FILES=$(tar tvzf "$S/seed/full/media.tgz" 2>/dev/null | grep -c '^-' || true)
if ((HK_TAR_FILES != MEDIA_FILES)); then
  echo "backup.sh: the media archive has $HK_TAR_FILES files, the volume $MEDIA_FILES" >&2; exit 1
fi
CHECK="gunzip -t OK; it decompresses to $HK_DUMP_BYTES bytes (plain pg_dump: $DUMP_BYTES) and ends with the 'dump complete' trailer; tar tzf OK: $HK_TAR_ENTRIES entries, $HK_TAR_FILES files (volume: $MEDIA_FILES files)"
log "$CHECK"

MED_WALL_seed_full=$(echo "${WALL[seed_full]}" | median); MED_SIZE_seed_full=$(echo "${SIZE[seed_full]}" | median)
MED_WALL_hk_full=$(echo "${WALL[hk_full]}" | median);     MED_SIZE_hk_full=$(echo "${SIZE[hk_full]}" | median)
MED_WALL_seed_db=$(echo "${WALL[seed_db]}" | median);     MED_SIZE_seed_db=$(echo "${SIZE[seed_db]}" | median)
MED_WALL_hk_db=$(echo "${WALL[hk_db]}" | median);         MED_SIZE_hk_db=$(echo "${SIZE[hk_db]}" | median)
RSS_MAX=$(echo "${RSS[hk_full]:-} ${RSS[hk_db]:-} ${RSS[hk_zstd_full]:-} ${RSS[hk_zstd_db]:-}" |
  tr ' ' '\n' | sort -g | tail -n 1)
ZSTD_ROWS=
if [[ ${BENCH_ZSTD:-1} == 1 ]]; then
  MED_WALL_zf=$(echo "${WALL[hk_zstd_full]}" | median); MED_SIZE_zf=$(echo "${SIZE[hk_zstd_full]}" | median)
  MED_WALL_zd=$(echo "${WALL[hk_zstd_db]}" | median);   MED_SIZE_zd=$(echo "${SIZE[hk_zstd_db]}" | median)
  R_ZF_WALL=$(ratio "$MED_WALL_zf" "$MED_WALL_seed_full"); R_ZF_SIZE=$(ratio "$MED_SIZE_zf" "$MED_SIZE_seed_full")
  R_ZD_WALL=$(ratio "$MED_WALL_zd" "$MED_WALL_seed_db");   R_ZD_SIZE=$(ratio "$MED_SIZE_zd" "$MED_SIZE_seed_db")
  ZSTD_ROWS="| \`backup prod --media --compression zstd\` | $MED_WALL_zf | $(wall_list "${WALL[hk_zstd_full]}") | $(mb "$MED_SIZE_zf") | $(rss_list "${RSS[hk_zstd_full]}") |
| \`backup prod --compression zstd\` | $MED_WALL_zd | $(wall_list "${WALL[hk_zstd_db]}") | $(mb "$MED_SIZE_zd") | $(rss_list "${RSS[hk_zstd_db]}") |
"
  ZSTD_COMPARISON="| DB + media, zstd | $R_ZF_WALL | ≤ 0.15 | $(verdict "$R_ZF_WALL" 0.15 "<=") | $R_ZF_SIZE | – | |
| DB only, zstd | $R_ZD_WALL | – | | $R_ZD_SIZE | – | |
"
fi
R_FULL_WALL=$(ratio "$MED_WALL_hk_full" "$MED_WALL_seed_full")
R_FULL_SIZE=$(ratio "$MED_SIZE_hk_full" "$MED_SIZE_seed_full")
R_DB_WALL=$(ratio "$MED_WALL_hk_db" "$MED_WALL_seed_db")
R_DB_SIZE=$(ratio "$MED_SIZE_hk_db" "$MED_SIZE_seed_db")

FLOOR_ROW=
if [[ -n ${FLOOR:-} ]]; then
  R_FLOOR=$(ratio "$MED_WALL_hk_full" "$FLOOR")
  FLOOR_ROW="| DB + media against the producer's floor: $FLOOR s, the larger of pg_dump alone ($PG_DUMP_WALL s) and the CPU-s of \`pg_dump \\| gzip -6\` ($LAST_GZIP_CPU) over $(nproc) cores | $R_FLOOR | ≤ 2.00 | $(verdict "$R_FLOOR" 2.00 "<=") | | | |
"
fi

report() {
  cat <<EOF
### Backup benchmark: DB ${BENCH_DB_MB} MB, media ${BENCH_MEDIA_MB} MB, ${BENCH_RUNS} run(s)

- $(machine_line)
- database: plain \`pg_dump app\` = $DUMP_BYTES bytes ($(mb "$DUMP_BYTES") MB; $(mb "$DB_ON_DISK") MB on disk; $ACC_ROWS accounts, $HIST_ROWS history, $DOC_ROWS documents rows); generated in $DB_GEN_S s; \`pg_dump > /dev/null\`-like read (\`| wc -c\`, first read): $PLAIN_DUMP_S s
- media: $MEDIA_FILES files in $MEDIA_DIRS folders, $MEDIA_BYTES bytes ($(mb "$MEDIA_BYTES") MB: $N_SMALL SVG-like files, $N_LARGE random 1-2 MiB PNG/JPEG); generated in $MEDIA_GEN_S s
- \`docker compose run --rm backup-job version\` (container start and removal alone): $RUN_NOOP_S s
- load average before / after the measurements: $LOADAVG_BEFORE / $LOADAVG_AFTER

| command | wall s (median) | wall s (each run) | output MB (median) | runner peak RSS MiB (each run) |
|---|---:|---|---:|---|
| seed, DB + media in sequence: \`exec db pg_dump \\| gzip\`; \`exec web tar czf\` | $MED_WALL_seed_full | $(wall_list "${WALL[seed_full]}") | $(mb "$MED_SIZE_seed_full") | – |
| \`docker compose run --rm backup-job backup prod --media\` | $MED_WALL_hk_full | $(wall_list "${WALL[hk_full]}") | $(mb "$MED_SIZE_hk_full") | $(rss_list "${RSS[hk_full]}") |
| seed, DB only: \`exec db pg_dump \\| gzip -6\` | $MED_WALL_seed_db | $(wall_list "${WALL[seed_db]}") | $(mb "$MED_SIZE_seed_db") | – |
| \`docker compose run --rm backup-job backup prod\` | $MED_WALL_hk_db | $(wall_list "${WALL[hk_db]}") | $(mb "$MED_SIZE_hk_db") | $(rss_list "${RSS[hk_db]}") |
${ZSTD_ROWS}

| comparison | hivekeeper/seed wall | target | | hivekeeper/seed output | target | |
|---|---:|---|---|---:|---|---|
| DB + media | $R_FULL_WALL | ≤ 0.50 | $(verdict "$R_FULL_WALL" 0.50 "<=") | $R_FULL_SIZE | ≤ 1.05 | $(verdict "$R_FULL_SIZE" 1.05 "<=") |
| DB only | $R_DB_WALL | ≤ 0.75 | $(verdict "$R_DB_WALL" 0.75 "<=") | $R_DB_SIZE | – | |
${ZSTD_COMPARISON:-}${FLOOR_ROW}| runner peak RSS (max of all runs) | $(mib "$RSS_MAX") MiB | < 64 MiB | $(verdict "$(mib "$RSS_MAX")" 64 "<") | | | |

Output split (last run): seed db.sql.gz $(mb "$(fsize "$S/seed/full/db.sql.gz")") MB, media.tgz $(mb "$(fsize "$S/seed/full/media.tgz")") MB; hivekeeper media .tgz $(mb "$(fsize "$HK_MEDIA_FILE")") MB, dump .sql.gz $(mb "$(fsize "$HK_DB_FILE")") MB.

Check: $CHECK; the seed's media.tgz holds $SEED_TAR_FILES files. ${ZSTD_CHECK:-}

Every attempt (wall s; host idle share just before; CPU-seconds used during it in our containers, i.e. db + web + the runner's, and in other Docker containers; an attempt during which others used more than $BENCH_FOREIGN_PCT% of the host's CPU, at least 1 CPU-s, is discarded and repeated, at most $BENCH_RETRIES times):
EOF
  for key in seed_full hk_full seed_db hk_db hk_zstd_full hk_zstd_db; do
    [[ -n ${ATTEMPTS[$key]:-} ]] && echo "- $key: ${ATTEMPTS[$key]}"
  done
  if [[ -n $DIAG ]]; then
    echo
    echo "Where the time goes, one run each (CPU-s: in our db/web containers, in other containers; dockerd, containerd-shim and the docker CLI run outside containers and are not counted):"
    echo
    echo "| piece | wall s | output MB | CPU-s ours | CPU-s others |"
    echo "|---|---:|---:|---:|---:|"
    printf '%s' "$DIAG"
  fi
  if [[ $BENCH_SAMPLE == 1 ]]; then
    echo
    echo "CPU during the first run of each (top -b -d 1):"
    echo
    for key in seed_full hk_full seed_db hk_db; do
      if [[ -s $S/samples/$key.top ]]; then echo "- $key: $(summarize_top "$S/samples/$key.top")"; fi
    done
  fi
  echo
  echo "Runner log of the last \`backup prod --media\` run:"
  echo
  echo '```'
  grep -v '^ *$' "$S/last-full/runner.log"
  echo '```'
}
print_report "$(report)"
exit 0
