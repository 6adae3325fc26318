#!/usr/bin/env bash
# bench/restore.sh: Hivekeeper's restore into the live app against the seed's four commands, on a
# stack of its own (issue 15).
#
# In one run it
#   1. brings up its own Compose stack (bench/lib.sh: db and web, project hkbench) and fills it as
#      issue 15's app: the database `app` as one table (a primary key and one index; BENCH_DB_ROWS
#      rows, padded to BENCH_DB_MB of plain pg_dump output) and the media volume (BENCH_MEDIA_SVGS
#      small SVGs and BENCH_MEDIA_SCANS incompressible PNG/JPEG-like scans, BENCH_MEDIA_MB in all);
#   2. takes one backup with `docker compose run --rm backup-job backup prod --media`: the
#      .sql.gz and .tgz (with the metadata: sha256, row counts, media.files, media.contentBytes)
#      that every measured restore loads; then restores it once, untimed, so that the app holds
#      the data "as the backup left it" from the first measured run on;
#   3. measures, interleaved, BENCH_RUNS times each (median reported), INTO THE LIVE APP (db and
#      web up, the database and the volume holding the backup's data, which each restore
#      replaces):
#        a. the seed, DB + media with reset, its four commands in sequence, the seed's way:
#             docker compose exec -T db psql -U app -d app -c 'DROP SCHEMA public CASCADE; CREATE SCHEMA public;'
#             gunzip -c FILE | docker compose exec -T db psql -U app -d app
#             docker compose exec -T web find /app/media -mindepth 1 -delete
#             docker compose exec -T web tar xzf - -C /app/media < M.tgz
#        b. docker compose run --rm -T restore-job restore prod FILE --reset --media M.tgz --no-safety-backup
#        c. the seed, DB only with reset: the first two commands of a.
#        d. docker compose run --rm -T restore-job restore prod FILE --reset --no-safety-backup
#        e. the producer's floor: docker compose exec -T db sh -c 'pg_dump -U app app > /dev/null'
#      (b and d: container start included, and every check Hivekeeper makes.) Before each attempt,
#      untimed: CHECKPOINT in the database and a sync of the volume's filesystem, so that no run
#      pays for the previous one's writes; the app's data is already the backup's (checked after
#      the previous run). Quiet gate, CPU accounting and retries as in bench/lib.sh;
#   4. checks after each run (untimed): every table's row count equals the backup's metadata (and
#      the seed's psql printed no ERROR: it does not stop on errors); after a and b also that the
#      volume's regular files number media.files and hold media.contentBytes bytes, and that a
#      hash of the volume's tree (every path, type, mode, owner, size, and every file's content)
#      equals the one taken of the generated volume;
#   5. prints Markdown tables: wall per case (median and each run), ratios b/a (target <= 0.90)
#      and d/c, the runner's peak RSS (status.peakMemoryBytes, target < 64 MiB), and CPU-seconds
#      per container per case (median over runs: db, web, the runner, other containers, the
#      engine's daemons, and the bench's own children on the host: gunzip and the Compose CLI),
#      plus a `top -b -d 1` sample of the first run of each;
#   6. removes its stack and scratch dir on exit, unless BENCH_KEEP=1.
#
# Environment (defaults: issue 15's app):
#   BENCH_DB_MB        plain pg_dump size in MB (10^6 bytes), default 561
#   BENCH_DB_ROWS      rows of the one table, default 2,500,000 scaled by BENCH_DB_MB / 561
#   BENCH_MEDIA_MB     media content in MB, default 251
#   BENCH_MEDIA_SVGS   small SVG files, default 6,000 scaled by BENCH_MEDIA_MB / 251 (at least 20)
#   BENCH_MEDIA_SCANS  incompressible scans, default 250 scaled by BENCH_MEDIA_MB / 251 (at least 2)
#   BENCH_MEDIA_SCAN_MIN / _MAX  a scan's size range in bytes, default 655360 / 1048576 (640 KiB-1 MiB)
#   BENCH_RUNS         measured runs of each case, default 3
#   BENCH_KEEP, BENCH_SAMPLE, BENCH_QUIET_IDLE, BENCH_QUIET_WAIT, BENCH_FOREIGN_PCT, BENCH_RETRIES,
#   BENCH_PROJECT, BENCH_SCRATCH, BENCH_OUT, HIVEKEEPER_IMAGE, POSTGRES_IMAGE, WEB_IMAGE: as
#   bench/backup.sh
#
# A full run at the defaults takes both cores for some 10-15 minutes. BENCH_DB_MB=20
# BENCH_MEDIA_MB=10 BENCH_RUNS=1 checks the script end to end in a few minutes.
set -euo pipefail
BENCH_NAME=restore.sh
BENCH_DB_MB=${BENCH_DB_MB:-561}
BENCH_MEDIA_MB_DEFAULT=251
BENCH_DIAG_DEFAULT=0
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
BENCH_DB_ROWS=${BENCH_DB_ROWS:-$((BENCH_DB_MB * 2500000 / 561))}
((BENCH_DB_ROWS >= 1000)) || BENCH_DB_ROWS=1000
if ((BENCH_MEDIA_MB > 0)); then
  BENCH_MEDIA_SVGS=${BENCH_MEDIA_SVGS:-$((BENCH_MEDIA_MB * 6000 / 251))}
  BENCH_MEDIA_SCANS=${BENCH_MEDIA_SCANS:-$((BENCH_MEDIA_MB * 250 / 251))}
  ((BENCH_MEDIA_SVGS >= 20)) || BENCH_MEDIA_SVGS=20
  ((BENCH_MEDIA_SCANS >= 2)) || BENCH_MEDIA_SCANS=2
  BENCH_MEDIA_SCAN_MIN=${BENCH_MEDIA_SCAN_MIN:-655360}
  BENCH_MEDIA_SCAN_MAX=${BENCH_MEDIA_SCAN_MAX:-1048576}
else
  echo "$BENCH_NAME: BENCH_MEDIA_MB must be > 0 (cases a and b restore media)" >&2; exit 2
fi

# 1. the stack, the database, the media
stack_up
generate_database_one_table
generate_media
DB_ID=$(dc ps -q --no-trunc db)
WEB_ID=$(dc ps -q --no-trunc web)
# The volume's tree, hashed: path, type, mode, owner and (but folders) size; every file's content.
volume_hash() {
  dc exec -T web bash -euo pipefail -c 'cd /app/media && {
      find . -mindepth 1 \( -type d -printf "%p dir %m %U:%G\n" \) -o -printf "%p %y %m %U:%G %s\n" | LC_ALL=C sort
      find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum
    } | sha256sum | cut -c1-64'
}
volume_count() { dc exec -T web sh -c "find /app/media -type f -printf '%s\n' | awk '{ n++; s += \$1 } END { print n + 0, s + 0 }'"; }
ORIGINAL_TREE=$(volume_hash)

# 2. the backup every run restores, and one untimed restore of it
log "taking the backup to restore (backup prod --media)"
dc run --rm -T backup-job backup prod --media >"$S/logs/backup.log" 2>&1 || { cat "$S/logs/backup.log" >&2; exit 1; }
BACKUP_STATUS=$S/hk/status/backup-prod.json
artifact() { basename "$(jq -r --arg k "$1" '.status.artifacts[] | select(.kind == $k) | .path' "$BACKUP_STATUS")"; }
DUMP_FILE=$(artifact database)
MEDIA_FILE=$(artifact media)
METADATA_FILE=$(artifact metadata)
[[ -s $S/hk/$DUMP_FILE && -s $S/hk/$MEDIA_FILE && -s $S/hk/$METADATA_FILE ]] ||
  { echo "$BENCH_NAME: the backup left no dump, media archive or metadata" >&2; exit 1; }
# "table rows" per line, sorted: what every restore must bring back
jq -r '.database.rowCounts | to_entries[] | "\(.key | sub("^public\\."; "")) \(.value)"' "$S/hk/$METADATA_FILE" | sort >"$S/expected-rows"
[[ -s $S/expected-rows ]] || { echo "$BENCH_NAME: the metadata has no row counts" >&2; exit 1; }
META_FILES=$(jq -r '.media.files' "$S/hk/$METADATA_FILE")
META_BYTES=$(jq -r '.media.contentBytes' "$S/hk/$METADATA_FILE")
[[ $META_FILES =~ ^[0-9]+$ && $META_BYTES =~ ^[0-9]+$ ]] || { echo "$BENCH_NAME: the metadata has no media.files / media.contentBytes" >&2; exit 1; }
((META_FILES == MEDIA_FILES && META_BYTES == MEDIA_BYTES)) ||
  { echo "$BENCH_NAME: the metadata says $META_FILES files, $META_BYTES bytes; the volume holds $MEDIA_FILES, $MEDIA_BYTES" >&2; exit 1; }
DUMP_GZ_BYTES=$(fsize "$S/hk/$DUMP_FILE")
MEDIA_GZ_BYTES=$(fsize "$S/hk/$MEDIA_FILE")
log "restoring $DUMP_FILE ($(mb "$DUMP_GZ_BYTES") MB; $(wc -l <"$S/expected-rows") table(s)) and $MEDIA_FILE ($(mb "$MEDIA_GZ_BYTES") MB; $META_FILES files)"

check_db() { # WHO: the database must hold the backup's tables with its row counts
  local table rows actual
  while read -r table rows; do
    actual=$(psql_app -At -c "SELECT count(*) FROM public.\"$table\"")
    [[ $actual == "$rows" ]] || { echo "$BENCH_NAME: after $1, $table has $actual rows, the backup $rows" >&2; exit 1; }
  done <"$S/expected-rows"
}
check_media() { # WHO: the volume must hold the backup's files
  local files bytes
  read -r files bytes < <(volume_count)
  ((files == META_FILES && bytes == META_BYTES)) ||
    { echo "$BENCH_NAME: after $1, the volume holds $files files, $bytes bytes; the metadata $META_FILES, $META_BYTES" >&2; exit 1; }
  [[ $(volume_hash) == "$ORIGINAL_TREE" ]] || { echo "$BENCH_NAME: after $1, the volume's tree differs from the original" >&2; exit 1; }
}
log "one untimed restore (restore prod --reset --media), so that the app holds the data as the backup left it"
hk_job warmup restore prod "$DUMP_FILE" --reset --media "$MEDIA_FILE" --no-safety-backup
check_db "the untimed restore"; check_media "the untimed restore"
dc run --rm -T restore-job version >/dev/null 2>&1 || true  # the container start out of run 1
t0=$(now); dc run --rm -T restore-job version >/dev/null 2>&1 || true; RUN_NOOP_S=$(elapsed "$t0" "$(now)")

# 3. measurements
# Untimed, before each attempt: what the previous run wrote goes to disk now, not during this one.
settle() {
  dc exec -T db psql -X -q -U app -d app -c CHECKPOINT >/dev/null
  dc exec -T web sync -f /app/media
}
seed_psql_check() { # TAG: the seed's psql does not stop on errors; its output must have none
  if grep -q ERROR "$S/logs/seed-$1.err"; then
    echo "$BENCH_NAME: the seed's restore printed errors:" >&2; head -5 "$S/logs/seed-$1.err" >&2; exit 1
  fi
}
seed_db_part() { # TAG: the seed's --reset, then gunzip -c | psql
  dc exec -T db psql -U app -d app -c 'DROP SCHEMA public CASCADE; CREATE SCHEMA public;' >"$S/logs/seed-$1.out" 2>"$S/logs/seed-$1.err"
  gunzip -c "$S/hk/$DUMP_FILE" | dc exec -T db psql -X -q -U app -d app >>"$S/logs/seed-$1.out" 2>>"$S/logs/seed-$1.err"
}
seed_full() {
  seed_db_part "$1"
  dc exec -T web find /app/media -mindepth 1 -delete
  dc exec -T web tar xzf - -C /app/media <"$S/hk/$MEDIA_FILE"
  LAST_BYTES=$((DUMP_GZ_BYTES + MEDIA_GZ_BYTES))
}
seed_db() {
  seed_db_part "$1"
  LAST_BYTES=$DUMP_GZ_BYTES
}
hk_full() {
  hk_job "$1" restore prod "$DUMP_FILE" --reset --media "$MEDIA_FILE" --no-safety-backup
  LAST_BYTES=$((DUMP_GZ_BYTES + MEDIA_GZ_BYTES))
  LAST_FULL_LOG=$LAST_HK_LOG
}
hk_db() {
  hk_job "$1" restore prod "$DUMP_FILE" --reset --no-safety-backup
  LAST_BYTES=$DUMP_GZ_BYTES
  LAST_DB_LOG=$LAST_HK_LOG
}
pg_dump_floor() {
  dc exec -T db sh -c 'pg_dump -U app app > /dev/null'
  LAST_BYTES=$DUMP_BYTES
}
after_seed_full() { seed_psql_check "$1"; check_db "the seed's restore (DB + media)"; check_media "the seed's restore (DB + media)"; }
after_hk_full() { check_db "hivekeeper's restore (DB + media)"; check_media "hivekeeper's restore (DB + media)"; }
after_seed_db() { seed_psql_check "$1"; check_db "the seed's restore (DB only)"; }
after_hk_db() { check_db "hivekeeper's restore (DB only)"; }

# CPU per container (cgroup v1 cpuacct, ns), the engine's daemons (dockerd with its children such
# as docker-untar, containerd, the shims: clock ticks from /proc) and the bench's own children on
# the host (bash `times`: gunzip, the Compose CLI), between just before and just after a command.
# A shim's reaped children are the container's own processes (its init, what `exec` starts), which
# the container's cgroup counts already, and runc: only the shims' own time is counted.
daemon_ticks() { # "dockerd's own, dockerd's reaped children's, containerd's and the shims' own" clock ticks
  local p comm stat own=0 kids=0 ctr=0 f
  while read -r p comm; do
    stat=$(cat "/proc/$p/stat" 2>/dev/null) || continue
    stat=${stat##*) }
    read -r -a f <<<"$stat"
    if [[ $comm == dockerd ]]; then own=$((own + f[11] + f[12])); kids=$((kids + f[13] + f[14]))
    elif [[ $comm == containerd ]]; then ctr=$((ctr + f[11] + f[12] + f[13] + f[14]))
    else ctr=$((ctr + f[11] + f[12])); fi
  done < <(ps -eo pid=,comm= | awk '$2 ~ /^(dockerd|containerd|containerd-shim.*)$/ { print $1, $2 }')
  echo "$own $kids $ctr"
}
# FILE: the children's user + system seconds from the output of `times` (which must run in the
# bench's own shell: in a subshell it counts the subshell's children only)
children_cpu() { awk 'NR == 2 { n = split($0, f, / +/); s = 0; for (i = 1; i <= n; i++) { split(f[i], m, /[ms]/); s += m[1] * 60 + m[2] } ; print s }' "$1"; }
cpu_snapshot() { # TIMES-FILE
  echo "$(cg_usage "$DB_ID") $(cg_usage "$WEB_ID") $(cat "$CGROUP_DOCKER/cpuacct.usage" 2>/dev/null || echo 0) $(daemon_ticks) $(children_cpu "$1")"
}
declare -A CPU_AT CPU_LAST CPU_RUNS
TICK=$(getconf CLK_TCK)
measure_hook() { # before|after KEY (bench/lib.sh's measure calls it around the timed command)
  times >"$S/logs/times-$1"
  if [[ $1 == before ]]; then CPU_AT[$2]=$(cpu_snapshot "$S/logs/times-$1"); return 0; fi
  local runner=0
  [[ -s $S/logs/runner-cpu ]] && runner=$(cat "$S/logs/runner-cpu")
  # "db web runner other-containers dockerd dockerd-children containerd+shims host-children", CPU-s
  CPU_LAST[$2]=$(awk -v a="${CPU_AT[$2]}" -v b="$(cpu_snapshot "$S/logs/times-$1")" -v r="$runner" -v tick="$TICK" 'BEGIN {
    split(a, x, " "); split(b, y, " ");
    db = (y[1] - x[1]) / 1e9; web = (y[2] - x[2]) / 1e9; run = r / 1e9
    other = (y[3] - x[3]) / 1e9 - db - web - run; if (other < 0) other = 0
    printf "%.1f %.1f %.1f %.1f %.1f %.1f %.1f %.1f", db, web, run, other, (y[4] - x[4]) / tick, (y[5] - x[5]) / tick, (y[6] - x[6]) / tick, y[7] - x[7] }')
}
KEYS="seed_full hk_full seed_db hk_db pg_dump_floor"
run_case() { # KEY RUN: measure, then keep the CPU split of the attempt that counted
  measure "$1" "$2" "$1" settle "after_$1"
  CPU_RUNS[$1]+="${CPU_LAST[$1]};"
}
after_pg_dump_floor() { :; }

# The daemons serve every project on the machine: their rate with our stack idle, for reference.
wait_quiet
times >"$S/logs/times-idle"
IDLE_A=$(cpu_snapshot "$S/logs/times-idle"); sleep 5; IDLE_B=$(cpu_snapshot "$S/logs/times-idle")
DAEMON_IDLE=$(awk -v a="$IDLE_A" -v b="$IDLE_B" -v tick="$(getconf CLK_TCK)" 'BEGIN { split(a, x, " "); split(b, y, " ");
  printf "dockerd %.2f, its children %.2f, containerd + shims %.2f CPU-s per 5 s", (y[4] - x[4]) / tick, (y[5] - x[5]) / tick, (y[6] - x[6]) / tick }')
log "engine daemons with our stack idle: $DAEMON_IDLE"
log "measuring: $BENCH_RUNS run(s) of each, interleaved, each into the live app"
LOADAVG_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
for ((i = 1; i <= BENCH_RUNS; i++)); do
  for key in $KEYS; do run_case "$key" "$i"; done
done
LOADAVG_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# 4. the report (the checks ran after each run)
for key in $KEYS; do declare "MED_$key=$(echo "${WALL[$key]}" | median)"; done
RSS_MAX=$(echo "${RSS[hk_full]} ${RSS[hk_db]}" | tr ' ' '\n' | grep -v '^$' | sort -g | tail -n 1)
R_FULL=$(ratio "$MED_hk_full" "$MED_seed_full")
R_DB=$(ratio "$MED_hk_db" "$MED_seed_db")
cpu_median() { # KEY COLUMN(1-8): median over the runs
  echo "${CPU_RUNS[$1]}" | tr ';' '\n' | grep -v '^$' | awk -v c="$2" '{ print $c }' | tr '\n' ' ' | median
}
cpu_row() { # KEY LABEL
  local c v out=""
  for c in 1 2 3 4 5 6 7 8; do v=$(cpu_median "$1" "$c"); out+=" $v |"; done
  echo "| $2 | $(echo "${WALL[$1]}" | median) |$out $(echo "${CPU_OURS[$1]}" | median) |"
}
label_seed_full="a. seed, DB + media with reset: \`exec db psql -c 'DROP SCHEMA public CASCADE; CREATE SCHEMA public'\`; \`gunzip -c FILE \\| exec db psql\`; \`exec web find /app/media -mindepth 1 -delete\`; \`exec web tar xzf - -C /app/media < M.tgz\`"
label_hk_full="b. \`docker compose run --rm -T restore-job restore prod FILE --reset --media M.tgz --no-safety-backup\`"
label_seed_db="c. seed, DB only with reset: the first two commands of a."
label_hk_db="d. \`docker compose run --rm -T restore-job restore prod FILE --reset --no-safety-backup\`"
label_pg_dump_floor="e. the producer's floor: \`docker compose exec -T db sh -c 'pg_dump -U app app > /dev/null'\`"

report() {
  cat <<EOF
### Restore into the live app (issue 15): DB ${BENCH_DB_MB} MB, media ${BENCH_MEDIA_MB} MB, ${BENCH_RUNS} run(s)

- $(machine_line)
- database: one table \`documents\` (primary key on id, one index on created_at), $DOC_ROWS rows; plain \`pg_dump app\` = $DUMP_BYTES bytes ($(mb "$DUMP_BYTES") MB), $(mb "$DB_ON_DISK") MB on disk; generated in $DB_GEN_S s
- media: $MEDIA_FILES files in $MEDIA_DIRS folders, $MEDIA_BYTES bytes ($(mb "$MEDIA_BYTES") MB): $BENCH_MEDIA_SVGS small SVGs and $BENCH_MEDIA_SCANS incompressible PNG/JPEG-like scans of $(mib "$BENCH_MEDIA_SCAN_MIN")-$(mib "$BENCH_MEDIA_SCAN_MAX") MiB
- restored set (made by \`backup prod --media\`, restored by every case): $DUMP_FILE ($(mb "$DUMP_GZ_BYTES") MB), $MEDIA_FILE ($(mb "$MEDIA_GZ_BYTES") MB)
- every run restores into the live app: db and web up, the database and the volume holding the backup's data (one untimed restore first), each restore replacing it; before each attempt, untimed: CHECKPOINT and \`sync -f\` of the volume
- checked after each run: every table's row count equals the backup's metadata (the seed's psql: no ERROR in its output); after a and b also the volume's files and bytes ($META_FILES, $META_BYTES) equal the metadata's media.files and media.contentBytes, and a hash of the volume's tree (paths, types, modes, owners, sizes, contents) equals the generated volume's
- \`docker compose run --rm restore-job version\` (container start and removal alone): $RUN_NOOP_S s
- load average before / after the measurements: $LOADAVG_BEFORE / $LOADAVG_AFTER; the engine's daemons with our stack idle (5 s, just before): $DAEMON_IDLE

| case | wall s (median) | wall s (each run) | runner peak RSS MiB (each run) |
|---|---:|---|---|
| $label_seed_full | $MED_seed_full | $(wall_list "${WALL[seed_full]}") | – |
| $label_hk_full | $MED_hk_full | $(wall_list "${WALL[hk_full]}") | $(rss_list "${RSS[hk_full]}") |
| $label_seed_db | $MED_seed_db | $(wall_list "${WALL[seed_db]}") | – |
| $label_hk_db | $MED_hk_db | $(wall_list "${WALL[hk_db]}") | $(rss_list "${RSS[hk_db]}") |
| $label_pg_dump_floor | $MED_pg_dump_floor | $(wall_list "${WALL[pg_dump_floor]}") | – |

| comparison | value | target | |
|---|---:|---|---|
| b/a: restore --reset --media / the seed's four commands | $R_FULL | ≤ 0.90 | $(verdict "$R_FULL" 0.90 "<=") |
| d/c: restore --reset / the seed's DROP SCHEMA + gunzip \\| psql | $R_DB | – (none in the brief) | |
| runner peak RSS (max of all runs of b and d) | $(mib "$RSS_MAX") MiB | < 64 MiB | $(verdict "$(mib "$RSS_MAX")" 64 "<") |

Where the time goes: CPU-seconds during each case (median over runs), per container (cgroup v1 cpuacct): db (postgres, and the psql, gzip, pg_dump that \`exec\` starts in it), web (find, tar), the runner's container; other containers (all Docker containers but these three: Hivekeeper's helper containers, and anyone else's); the engine's daemons on the host: dockerd itself (the exec and attach streams, the API), dockerd's children once reaped (docker-untar and docker-tar: the archive API that Hivekeeper's media restore uses), containerd (with its reaped children) and the running shims' own time (not runc's, which the shims reap together with the containers' processes; a shim that exits during a run, such as the runner's, is missed); the daemons serve everyone, so see their idle rate above; the bench's own children on the host (gunzip, the \`docker compose\` CLI). 100% of one core for the whole run = the wall time.

| case | wall s | db | web | runner | other containers | dockerd | dockerd's children | containerd + shims | host: gunzip, compose CLI | ours (db + web + runner, lib.sh) |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
$(cpu_row seed_full "a. seed, DB + media")
$(cpu_row hk_full "b. restore --reset --media")
$(cpu_row seed_db "c. seed, DB only")
$(cpu_row hk_db "d. restore --reset")
$(cpu_row pg_dump_floor "e. pg_dump > /dev/null")

Every attempt (wall s; host idle share just before; CPU-seconds used during it in our containers and in other Docker containers; an attempt during which others used more than $BENCH_FOREIGN_PCT% of the host's CPU, at least 1 CPU-s, is discarded and repeated, at most $BENCH_RETRIES times):
EOF
  for key in $KEYS; do echo "- $key: ${ATTEMPTS[$key]}"; done
  if [[ $BENCH_SAMPLE == 1 ]]; then
    echo
    echo "CPU during the first run of each (top -b -d 1):"
    echo
    for key in $KEYS; do
      if (($(grep -c '^top - ' "$S/samples/$key.top" 2>/dev/null || true) >= 2)); then echo "- $key: $(summarize_top "$S/samples/$key.top")"
      else echo "- $key: too short to sample"; fi
    done
  fi
  echo
  echo "Runner logs of the last restores (b, then d):"
  echo
  echo '```'
  grep -v '^ *$' "$LAST_FULL_LOG"
  grep -v '^ *$' "$LAST_DB_LOG"
  echo '```'
}
print_report "$(report)"
exit 0
