#!/usr/bin/env bash
# bench/media_files.sh: Hivekeeper's media backup and restore of a volume of very many small files
# against the seed's `tar`, on a stack of its own. What it watches is the runner's memory (it must
# not grow with the number of files) and the wall time per file.
#
# In one run it
#   1. brings up its own Compose stack (bench/lib.sh: project hkbench, scratch dir) and loads the
#      demo's small database (deploy/compose/demo/seed.sql: every backup and restore below also
#      dumps or loads it, a few hundred ms of the total);
#   2. fills the media volume, inside the `web` container (perl), with BENCH_FILES small files laid
#      out as a Django app's uploads: uploads/YYYY/MM/<n>.txt in 312 folders (2001-2026, 12 months),
#      each file a few bytes of its own content, owned by www-data, plus 50 files at the top level;
#      records the volume's listing (path, type, mode, owner, size, mtime) and a hash of every
#      file's content;
#   3. measures, interleaved, BENCH_RUNS times each (median reported), with the quiet gate, CPU
#      accounting and retries of bench/lib.sh:
#        a. the seed's backup: docker compose exec -T web tar czf - -C /app media > media.tgz
#        b. docker compose run --rm backup-job backup prod --media   (container start included)
#      each followed (untimed) by a count of the regular files in its archive; the last
#      Hivekeeper set is the one every Hivekeeper restore below loads;
#   4. measures, interleaved, BENCH_RUNS times each, over the volume as it is (holding the same
#      files: each restore replaces every one of them):
#        c. the seed's restore: docker compose exec -T web tar xzf - -C /app < media.tgz
#        d. docker compose run --rm restore-job restore prod DB.sql.gz --media MEDIA.tgz --no-safety-backup
#      each followed (untimed) by a check that the volume's listing equals the original's, and
#      after the last one a check of every file's content;
#   5. prints Markdown tables (wall s, output MB, the runner's peak RSS from status.peakMemoryBytes
#      of backups/django/status/{backup,restore}-prod.json, target < 64 MiB) and writes them to
#      BENCH_OUT, by default bench/results/<UTC date>-media-files.md (appended to if it exists);
#   6. removes its stack and scratch dir on exit, unless BENCH_KEEP=1.
#
# Environment:
#   BENCH_FILES     small files in uploads/ (default 1000000; 50 more at the top level)
#   BENCH_RUNS      measured runs of each command, default 3
#   BENCH_OUT       the report's file (default bench/results/<UTC date>-media-files.md; appended to)
#   BENCH_KEEP, BENCH_SAMPLE, BENCH_QUIET_IDLE, BENCH_QUIET_WAIT, BENCH_FOREIGN_PCT, BENCH_RETRIES,
#   BENCH_PROJECT, BENCH_SCRATCH, HIVEKEEPER_IMAGE, POSTGRES_IMAGE, WEB_IMAGE: as bench/backup.sh
#
# Size and time: a million files take ~4 GiB of the Docker disk for the volume (one block each)
# and as much again for a restore's staging copy, and ~1.1 M inodes twice. On 2 cores with ext4
# (discard) each million files created or deleted costs minutes; a full run at the default size
# takes an hour or more. BENCH_FILES=50000 BENCH_RUNS=1 checks the script in a few minutes.
set -euo pipefail
BENCH_NAME=media_files.sh
# The database is the demo's seed and the media are BENCH_FILES files: lib.sh's generators for a
# sized database and sized media are not used.
BENCH_DB_MB=0
BENCH_MEDIA_MB=0
BENCH_FILES=${BENCH_FILES:-1000000}
TOP_FILES=50
FOLDERS=312
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[[ $BENCH_FILES =~ ^[0-9]+$ ]] && ((BENCH_FILES >= 1)) ||
  { echo "$BENCH_NAME: BENCH_FILES must be a positive whole number" >&2; exit 2; }
BENCH_OUT=${BENCH_OUT:-$REPO/bench/results/$(date -u +%Y-%m-%d)-media-files.md}
EXPECTED_FILES=$((BENCH_FILES + TOP_FILES))
mkdir -p "$S/seed/media"

# 1. the stack and the database
stack_up
log "media: $BENCH_FILES files in $FOLDERS folders + $TOP_FILES at the top; report to $BENCH_OUT"
psql_app <"$REPO/deploy/compose/demo/seed.sql" >"$S/logs/seed-sql.log" 2>&1 || { cat "$S/logs/seed-sql.log" >&2; exit 1; }

# 2. the media volume
log "generating the media volume"
t0=$(now)
dc exec -T web perl - /app/media "$BENCH_FILES" "$TOP_FILES" <"$REPO/tests/integration/fill_uploads.pl"
MEDIA_GEN_S=$(elapsed "$t0" "$(now)")
# The volume's listing, hashed: path, type, mode, owner, and size and mtime (whole seconds) of
# everything but folders (whose size and mtime follow from what was added and removed in them).
volume_listing() {
  dc exec -T web bash -euo pipefail -c 'cd /app/media && find . -mindepth 1 \( -type d -printf "%p dir %m %U:%G\n" \) \
    -o -printf "%p %y %m %U:%G %s %Ts\n" | LC_ALL=C sort | sha256sum | cut -c1-64'
}
# every file's path and content, hashed
volume_content() {
  dc exec -T web bash -euo pipefail -c 'cd /app/media && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum | sha256sum | cut -c1-64'
}
read -r MEDIA_FILES MEDIA_BYTES < <(dc exec -T web sh -c "find /app/media -type f -printf '%s\n' | awk '{ n++; s += \$1 } END { print n + 0, s + 0 }'")
MEDIA_DIRS=$(dc exec -T web sh -c 'find /app/media -mindepth 1 -type d | wc -l')
MEDIA_DISK=$(dc exec -T web du -sk /app/media | cut -f1)
log "media generated in $MEDIA_GEN_S s: $MEDIA_FILES files ($MEDIA_BYTES bytes, $((MEDIA_DISK / 1024)) MiB on disk) in $MEDIA_DIRS folders"
((MEDIA_FILES == EXPECTED_FILES)) || { echo "$BENCH_NAME: the volume holds $MEDIA_FILES files, not $EXPECTED_FILES" >&2; exit 1; }
t0=$(now)
ORIGINAL_LISTING=$(volume_listing)
LISTING_S=$(elapsed "$t0" "$(now)")
t0=$(now)
ORIGINAL_CONTENT=$(volume_content)
CONTENT_S=$(elapsed "$t0" "$(now)")
log "listing hashed in $LISTING_S s, content in $CONTENT_S s (these also warm the page cache)"
dc run --rm -T backup-job version >/dev/null 2>&1 || true  # the container start out of run 1
t0=$(now); dc run --rm -T backup-job version >/dev/null 2>&1 || true; RUN_NOOP_S=$(elapsed "$t0" "$(now)")

# 3.-4. measurements (measure: bench/lib.sh); the checks run after each, untimed
archive_files() { tar tvzf "$1" | grep -c '^-' || true; }
check_archive() { # file who
  local n
  n=$(archive_files "$1")
  ((n == EXPECTED_FILES)) || { echo "$BENCH_NAME: $2's archive holds $n files, the volume $EXPECTED_FILES" >&2; exit 1; }
}
check_volume() { # who
  [[ $(volume_listing) == "$ORIGINAL_LISTING" ]] || { echo "$BENCH_NAME: after $1, the volume's listing differs from the original" >&2; exit 1; }
}
SEED_TGZ=$S/seed/media/media.tgz
seed_backup() {
  rm -f "$SEED_TGZ"
  dc exec -T web tar czf - -C /app media >"$SEED_TGZ"
  LAST_BYTES=$(fsize "$SEED_TGZ")
}
hk_backup() {
  find "$S/hk" -maxdepth 1 -type f -delete
  hk_job "$1" backup prod --media
  HK_DUMP=$(basename "$(jq -r '.status.artifacts[] | select(.kind == "database") | .path' "$HK_STATUS")")
  HK_TGZ=$(basename "$(jq -r '.status.artifacts[] | select(.kind == "media") | .path' "$HK_STATUS")")
  LAST_BYTES=$(fsize "$S/hk/$HK_TGZ")
  LAST_BACKUP_LOG=$LAST_HK_LOG
}
seed_restore() {
  dc exec -T web tar xzf - -C /app <"$SEED_TGZ"
  LAST_BYTES=$(fsize "$SEED_TGZ")
}
hk_restore() {
  hk_job "$1" restore prod "$HK_DUMP" --media "$HK_TGZ" --no-safety-backup
  LAST_BYTES=$(fsize "$S/hk/$HK_TGZ")
  LAST_RESTORE_LOG=$LAST_HK_LOG
}

log "measuring backups: $BENCH_RUNS run(s) of each, interleaved"
LOADAVG_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
for ((i = 1; i <= BENCH_RUNS; i++)); do
  measure seed_backup "$i" seed_backup
  check_archive "$SEED_TGZ" "the seed's backup"
  measure hk_backup "$i" hk_backup
  check_archive "$S/hk/$HK_TGZ" "hivekeeper's backup"
done
log "measuring restores of $HK_TGZ and the seed's media.tgz: $BENCH_RUNS run(s) of each, interleaved"
for ((i = 1; i <= BENCH_RUNS; i++)); do
  measure seed_restore "$i" seed_restore
  check_volume "the seed's restore"
  measure hk_restore "$i" hk_restore
  check_volume "hivekeeper's restore"
done
LOADAVG_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
[[ $(volume_content) == "$ORIGINAL_CONTENT" ]] ||
  { echo "$BENCH_NAME: after the last restore (hivekeeper's), a file's content differs from the original" >&2; exit 1; }
log "checked: every archive held $EXPECTED_FILES files; after every restore the volume's listing, after the last one every file's content, equals the original"

# 5. the report
for key in seed_backup hk_backup seed_restore hk_restore; do
  declare "MED_$key=$(echo "${WALL[$key]}" | median)"
  declare "SIZE_$key=$(echo "${SIZE[$key]}" | median)"
done
RSS_MAX_backup=$(echo "${RSS[hk_backup]}" | tr ' ' '\n' | sort -g | tail -n 1)
RSS_MAX_restore=$(echo "${RSS[hk_restore]}" | tr ' ' '\n' | sort -g | tail -n 1)
per_file_us() { awk -v s="$1" -v n="$EXPECTED_FILES" 'BEGIN { printf "%.0f", s * 1e6 / n }'; }

report() {
  cat <<EOF
### Media benchmark: $EXPECTED_FILES small files, ${BENCH_RUNS} run(s)

- $(machine_line)
- media: $MEDIA_FILES files in $MEDIA_DIRS folders (uploads/YYYY/MM/<n>.txt in $FOLDERS month folders, $TOP_FILES at the top), $MEDIA_BYTES bytes of content, $((MEDIA_DISK / 1024)) MiB on disk; generated in $MEDIA_GEN_S s; listing hashed in $LISTING_S s, content in $CONTENT_S s
- database: the demo's seed.sql (every Hivekeeper backup dumps it and every restore loads it)
- restores run over the volume as it is (the same files), each replacing every file; the seed's \`tar xzf\` leaves files absent from the archive in place, Hivekeeper's restore removes them (and checks, stages and verifies first)
- checked after each run: the archive holds $EXPECTED_FILES files (backups); the volume's listing (path, type, mode, owner, size, mtime) equals the original (restores); after the last restore, every file's content too
- \`docker compose run --rm backup-job version\` (container start and removal alone): $RUN_NOOP_S s
- load average before / after the measurements: $LOADAVG_BEFORE / $LOADAVG_AFTER

| command | wall s (median) | wall s (each run) | µs per file (median) | archive MB (median) | runner peak RSS MiB (each run) |
|---|---:|---|---:|---:|---|
| seed's backup: \`docker compose exec -T web tar czf - -C /app media > media.tgz\` | $MED_seed_backup | $(wall_list "${WALL[seed_backup]}") | $(per_file_us "$MED_seed_backup") | $(mb "$SIZE_seed_backup") | – |
| \`docker compose run --rm backup-job backup prod --media\` | $MED_hk_backup | $(wall_list "${WALL[hk_backup]}") | $(per_file_us "$MED_hk_backup") | $(mb "$SIZE_hk_backup") | $(rss_list "${RSS[hk_backup]}") |
| seed's restore: \`docker compose exec -T web tar xzf - -C /app < media.tgz\` | $MED_seed_restore | $(wall_list "${WALL[seed_restore]}") | $(per_file_us "$MED_seed_restore") | $(mb "$SIZE_seed_restore") | – |
| \`docker compose run --rm restore-job restore prod DB --media MEDIA --no-safety-backup\` | $MED_hk_restore | $(wall_list "${WALL[hk_restore]}") | $(per_file_us "$MED_hk_restore") | $(mb "$SIZE_hk_restore") | $(rss_list "${RSS[hk_restore]}") |

| comparison | value | target | |
|---|---:|---|---|
| backup: hivekeeper/seed wall | $(ratio "$MED_hk_backup" "$MED_seed_backup") | – | |
| restore: hivekeeper/seed wall | $(ratio "$MED_hk_restore" "$MED_seed_restore") | – | |
| runner peak RSS, backup (max of all runs) | $(mib "$RSS_MAX_backup") MiB | < 64 MiB | $(verdict "$(mib "$RSS_MAX_backup")" 64 "<") |
| runner peak RSS, restore (max of all runs) | $(mib "$RSS_MAX_restore") MiB | < 64 MiB | $(verdict "$(mib "$RSS_MAX_restore")" 64 "<") |

Every attempt (wall s; host idle share just before; CPU-seconds used during it in our containers and in other Docker containers; an attempt during which others used more than $BENCH_FOREIGN_PCT% of the host's CPU, at least 1 CPU-s, is discarded and repeated, at most $BENCH_RETRIES times):
EOF
  for key in seed_backup hk_backup seed_restore hk_restore; do echo "- $key: ${ATTEMPTS[$key]}"; done
  if [[ $BENCH_SAMPLE == 1 ]]; then
    echo
    echo "CPU during the first run of each (top -b -d 1):"
    echo
    for key in seed_backup hk_backup seed_restore hk_restore; do
      if [[ -s $S/samples/$key.top ]]; then echo "- $key: $(summarize_top "$S/samples/$key.top")"; fi
    done
  fi
  echo
  echo "Runner logs of the last backup and the last restore:"
  echo
  echo '```'
  grep -v '^ *$' "$LAST_BACKUP_LOG"
  grep -v '^ *$' "$LAST_RESTORE_LOG"
  echo '```'
}
mkdir -p "$(dirname "$BENCH_OUT")"
print_report "$(report)"
exit 0
