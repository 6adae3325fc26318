#!/usr/bin/env bash
# bench/lib.sh: what the benchmarks share, sourced by bench/backup.sh and bench/restore.sh.
#
# The script sets BENCH_NAME (for messages) and may preset BENCH_* defaults before sourcing.
# This file reads the environment (see the scripts' headers), makes the scratch dir with a
# Compose stack of its own (the demo's compose.yml and hivekeeper.yml plus an override for bulk
# loads) and removes both on exit unless BENCH_KEEP=1. It gives:
#   stack_up                       start db and web, read the runner's version
#   generate_database              fill `app` to BENCH_DB_MB of plain pg_dump output; warm; checked
#   generate_media                 fill the media volume to BENCH_MEDIA_MB (nothing when 0)
#   measure KEY RUN FN [PREPARE [FINISH]]  time FN with the quiet gate, CPU accounting and
#                                  retries; PREPARE and FINISH, untimed, run before and after each
#                                  attempt (FINISH may set LAST_BYTES and LAST_RSS)
#                                  If the script defines measure_hook, it is called (untimed) with
#                                  `before KEY` just before FN and `after KEY` just after it
#   generate_database_one_table    instead of generate_database: one table `documents` (a primary
#                                  key and one index) of BENCH_DB_ROWS rows, BENCH_DB_MB of dump
#   before_stack_down              if the script defines it: called on exit before the stack is
#                                  removed (containers it started itself on the stack's network)
#   ratio, verdict, median, wall_list, rss_list   for the reports
set -euo pipefail

BENCH_DB_MB=${BENCH_DB_MB:-1200}
BENCH_MEDIA_MB=${BENCH_MEDIA_MB:-${BENCH_MEDIA_MB_DEFAULT:-500}}
BENCH_RUNS=${BENCH_RUNS:-3}
BENCH_KEEP=${BENCH_KEEP:-0}
BENCH_SAMPLE=${BENCH_SAMPLE:-1}
BENCH_QUIET_IDLE=${BENCH_QUIET_IDLE:-80}
BENCH_QUIET_WAIT=${BENCH_QUIET_WAIT:-60}
BENCH_FOREIGN_PCT=${BENCH_FOREIGN_PCT:-5}
BENCH_DIAG=${BENCH_DIAG:-${BENCH_DIAG_DEFAULT:-1}}
BENCH_RETRIES=${BENCH_RETRIES:-4}
PROJECT=${BENCH_PROJECT:-hkbench}
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

for tool in docker gzip tar jq awk top; do
  command -v "$tool" >/dev/null || { echo "$BENCH_NAME: $tool is missing" >&2; exit 2; }
done
[[ $BENCH_DB_MB =~ ^[0-9]+$ && $BENCH_MEDIA_MB =~ ^[0-9]+$ && $BENCH_RUNS =~ ^[1-9][0-9]*$ ]] ||
  { echo "$BENCH_NAME: BENCH_DB_MB, BENCH_MEDIA_MB and BENCH_RUNS must be whole numbers" >&2; exit 2; }

if [[ -n ${BENCH_SCRATCH:-} ]]; then S=$BENCH_SCRATCH; mkdir -p "$S"; else S=$(mktemp -d /tmp/hk-bench.XXXXXX); fi
STACK=$S/stack
mkdir -p "$STACK/manifests" "$S/seed/full" "$S/seed/db" "$S/hk" "$S/last-full" "$S/logs" "$S/samples"
cp "$REPO/deploy/compose/demo/compose.yml" "$STACK/compose.yml"
cp "$REPO/deploy/compose/hivekeeper.yml" "$S/hivekeeper.yml"
cp "$REPO/deploy/compose/demo/manifests/backup.yaml" "$STACK/manifests/backup.yaml"
cat >"$STACK/bench.yml" <<'YAML'
# Benchmark-only server settings: a bigger buffer cache, and WAL sized for a bulk load so that
# checkpoints do not run during the measurements. Tables stay logged.
services:
  db:
    command: ["postgres", "-c", "shared_buffers=1GB", "-c", "max_wal_size=8GB",
              "-c", "checkpoint_timeout=30min", "-c", "maintenance_work_mem=512MB",
              "-c", "autovacuum=off"]
    shm_size: 512m
YAML

export COMPOSE_PROJECT_NAME=$PROJECT
export HIVEKEEPER_BACKUP_DIR=$S/hk
export HIVEKEEPER_MANIFESTS=$STACK/manifests
dc() { docker compose -p "$PROJECT" --project-directory "$STACK" -f "$STACK/compose.yml" -f "$S/hivekeeper.yml" -f "$STACK/bench.yml" "$@"; }
psql_app() { dc exec -T db psql -X -q -v ON_ERROR_STOP=1 -U app -d app "$@"; }
log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1e6 }'; }
mib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
fsize() { stat -c %s "$1"; }

cleanup() {
  local rc=$?
  [[ -n ${SAMPLER_PID:-} ]] && kill "$SAMPLER_PID" 2>/dev/null || true
  [[ -n ${WATCHER_PID:-} ]] && kill "$WATCHER_PID" 2>/dev/null || true
  if [[ $BENCH_KEEP == 1 ]]; then
    log "BENCH_KEEP=1: stack $PROJECT and $S are kept (docker compose -p $PROJECT down -v; rm -rf $S)"
  else
    log "cleaning up: docker compose -p $PROJECT down -v, rm -rf $S"
    if declare -F before_stack_down >/dev/null; then before_stack_down || true; fi
    dc --profile hivekeeper down -v --remove-orphans >/dev/null 2>&1 || true
    rm -rf "$S"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------------------------
# the stack
stack_up() {
  log "scratch $S; project $PROJECT; DB ${BENCH_DB_MB} MB, media ${BENCH_MEDIA_MB} MB, ${BENCH_RUNS} run(s)"
  if docker ps -a --filter "label=com.docker.compose.project=$PROJECT" --format '{{.Names}}' | grep -q .; then
    echo "$BENCH_NAME: Compose project $PROJECT already has containers; set BENCH_PROJECT or remove them" >&2
    trap - EXIT; exit 2
  fi
  dc up -d --wait db web >"$S/logs/up.log" 2>&1 || { cat "$S/logs/up.log" >&2; exit 1; }
  OUR_IDS=$(dc ps -q -a --no-trunc | tr '\n' ' ')
  RUNNER_VERSION=$(dc run --rm -T backup-job version 2>/dev/null || echo unknown)
  log "stack up; runner: $RUNNER_VERSION"
}

# ---------------------------------------------------------------------------------------------
# 2. the database: bytes of plain dump per row measured on this generator (accounts ~98,
#    history ~75, documents ~300); documents get 1/6 of the target, history 1% of accounts' rows.
# (The bodies of the two generators are not indented: their here-documents end at column 0.)
generate_database() {
DB_TARGET=$((BENCH_DB_MB * 1000000))
DOC_ROWS=$((DB_TARGET / 6 / 300))
ACC_ROWS=$(((DB_TARGET - DB_TARGET / 6) / 99))
HIST_ROWS=$((ACC_ROWS / 100))
BRANCHES=$(((ACC_ROWS + 99999) / 100000))
log "generating the database: $ACC_ROWS accounts, $HIST_ROWS history, $DOC_ROWS documents rows"
t0=$(now)
psql_app <<SQL
CREATE TABLE pgbench_branches (bid int NOT NULL, bbalance int, filler char(88));
CREATE TABLE pgbench_tellers (tid int NOT NULL, bid int, tbalance int, filler char(84));
CREATE TABLE pgbench_accounts (aid int NOT NULL, bid int, abalance int, filler char(84));
CREATE TABLE pgbench_history (tid int, bid int, aid int, delta int, mtime timestamp, filler char(22));
CREATE TABLE documents (id bigint NOT NULL, title text, body text, price numeric(12,2),
                        created_at timestamptz, updated_at timestamptz);
SQL
# Two sessions at once, one per core: accounts in one, everything else in the other.
psql_app >"$S/logs/gen-accounts.log" 2>&1 <<SQL &
INSERT INTO pgbench_accounts (aid, bid, abalance, filler)
  SELECT i, (i - 1) / 100000 + 1, 0, '' FROM generate_series(1, $ACC_ROWS) AS i;
SQL
gen_accounts=$!
psql_app >"$S/logs/gen-other.log" 2>&1 <<SQL &
INSERT INTO pgbench_branches SELECT b, 0, '' FROM generate_series(1, $BRANCHES) AS b;
INSERT INTO pgbench_tellers SELECT t, (t - 1) / 10 + 1, 0, '' FROM generate_series(1, $BRANCHES * 10) AS t;
INSERT INTO documents (id, title, body, price, created_at, updated_at)
  SELECT i,
         'Document ' || i || ' ' || md5(i::text),
         substr('Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor '
                'incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud '
                'exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat. Duis aute irure '
                'dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur.',
                1 + (i * 37) % 150, 120 + (i % 60))
           || ' ' || md5((i * 7)::text) || ' ' || md5((i * 13)::text),
         ((i::bigint * 7919) % 10000000) / 100.0,
         timestamptz '2019-01-01 00:00:00+00' + i * interval '37 seconds',
         timestamptz '2019-01-01 00:00:00+00' + i * interval '37 seconds' + (i % 86400) * interval '1 second'
  FROM generate_series(1, $DOC_ROWS) AS i;
INSERT INTO pgbench_history (tid, bid, aid, delta, mtime, filler)
  SELECT 1 + i % ($BRANCHES * 10), 1 + i % $BRANCHES, 1 + (i * 7919) % $ACC_ROWS, (i * 31) % 10001 - 5000,
         timestamp '2026-01-01 00:00:00' + i * interval '1.7 seconds', ''
  FROM generate_series(1, $HIST_ROWS) AS i;
SQL
gen_other=$!
wait "$gen_accounts" || { cat "$S/logs/gen-accounts.log" >&2; exit 1; }
wait "$gen_other" || { cat "$S/logs/gen-other.log" >&2; exit 1; }
log "rows inserted in $(elapsed "$t0" "$(now)") s; keys, vacuum freeze, analyze, checkpoint"
psql_app -c 'ALTER TABLE pgbench_accounts ADD PRIMARY KEY (aid)' -c 'VACUUM (FREEZE, ANALYZE) pgbench_accounts' >"$S/logs/keys-a.log" 2>&1 &
keys_a=$!
psql_app -c 'ALTER TABLE pgbench_branches ADD PRIMARY KEY (bid)' -c 'ALTER TABLE pgbench_tellers ADD PRIMARY KEY (tid)' \
  -c 'ALTER TABLE documents ADD PRIMARY KEY (id)' -c 'CREATE INDEX ON documents (created_at)' \
  -c 'VACUUM (FREEZE, ANALYZE) pgbench_branches, pgbench_tellers, pgbench_history, documents' >"$S/logs/keys-b.log" 2>&1 &
keys_b=$!
wait "$keys_a" || { cat "$S/logs/keys-a.log" >&2; exit 1; }
wait "$keys_b" || { cat "$S/logs/keys-b.log" >&2; exit 1; }
dc exec -T db psql -X -q -U app -d app -c CHECKPOINT
measure_generated_database
if ((BENCH_DB_MB >= 1000 && DUMP_BYTES < 1000000000)); then
  echo "$BENCH_NAME: the plain dump ($DUMP_BYTES bytes) is below 1.0e9 bytes" >&2; exit 1
fi
}

# The generated database measured: DUMP_BYTES (its plain dump, which doubles as a warm-up read of
# every table), PLAIN_DUMP_S, DB_ON_DISK; stops the bench below 90% of BENCH_DB_MB. Call with
# $t0 the generation's start.
measure_generated_database() {
DB_GEN_S=$(elapsed "$t0" "$(now)")
t0=$(now)
DUMP_BYTES=$(dc exec -T db pg_dump -U app app | wc -c)
PLAIN_DUMP_S=$(elapsed "$t0" "$(now)")
DB_ON_DISK=$(psql_app -At -c "SELECT pg_database_size('app')")
log "database generated in $DB_GEN_S s: plain pg_dump $DUMP_BYTES bytes ($(mb "$DUMP_BYTES") MB, read in $PLAIN_DUMP_S s), $(mb "$DB_ON_DISK") MB on disk"
if ((DUMP_BYTES < DB_TARGET * 9 / 10)); then
  echo "$BENCH_NAME: the plain dump ($DUMP_BYTES bytes) is below 90% of BENCH_DB_MB=$BENCH_DB_MB" >&2; exit 1
fi
}

# 2b. the database as one table, `documents` (id bigint primary key, title, body, price,
#    created_at with an index, updated_at), BENCH_DB_ROWS rows, each padded so that the plain dump
#    comes to about BENCH_DB_MB. Sets the same variables as generate_database (ACC_ROWS and
#    HIST_ROWS are 0, DOC_ROWS the rows).
generate_database_one_table() {
[[ ${BENCH_DB_ROWS:-} =~ ^[1-9][0-9]*$ ]] || { echo "$BENCH_NAME: BENCH_DB_ROWS must be a positive whole number" >&2; exit 2; }
DB_TARGET=$((BENCH_DB_MB * 1000000))
DOC_ROWS=$BENCH_DB_ROWS ACC_ROWS=0 HIST_ROWS=0
# a dump line without the body: id, 'Document <id> <md5>', price, two timestamptz, 5 tabs, newline
local id_len=${#DOC_ROWS}
local fixed=$((id_len + 9 + id_len + 1 + 32 + 8 + 22 + 22 + 6))
local body=$((DB_TARGET / DOC_ROWS - fixed))
((body >= 40)) || body=40
local half=$((DOC_ROWS / 2)) reps=$(((body + 200) / 400 + 2))
log "generating the database: one table, $DOC_ROWS documents rows of ~$((fixed + body)) bytes of dump (body ~$body)"
t0=$(now)
psql_app <<SQL
CREATE TABLE documents (id bigint NOT NULL, title text, body text, price numeric(12,2),
                        created_at timestamptz, updated_at timestamptz);
SQL
gen_rows() { # FIRST LAST: one session
psql_app <<SQL
INSERT INTO documents (id, title, body, price, created_at, updated_at)
  SELECT i,
         'Document ' || i || ' ' || md5(i::text),
         substr(repeat('Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor '
                'incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud '
                'exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat. Duis aute irure '
                'dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur. '
                || md5(i::text) || ' ', $reps),
                1 + (i * 37) % 150, $body - 20 + (i % 41)),
         ((i::bigint * 7919) % 10000000) / 100.0,
         timestamptz '2019-01-01 00:00:00+00' + i * interval '37 seconds',
         timestamptz '2019-01-01 00:00:00+00' + i * interval '37 seconds' + (i % 86400) * interval '1 second'
  FROM generate_series($1, $2) AS i;
SQL
}
# two sessions, one per core
gen_rows 1 "$half" >"$S/logs/gen-docs-1.log" 2>&1 &
local g1=$!
gen_rows "$((half + 1))" "$DOC_ROWS" >"$S/logs/gen-docs-2.log" 2>&1 &
local g2=$!
wait "$g1" || { cat "$S/logs/gen-docs-1.log" >&2; exit 1; }
wait "$g2" || { cat "$S/logs/gen-docs-2.log" >&2; exit 1; }
log "rows inserted in $(elapsed "$t0" "$(now)") s; primary key, index, vacuum freeze, analyze, checkpoint"
psql_app -c 'ALTER TABLE documents ADD PRIMARY KEY (id)' -c 'CREATE INDEX ON documents (created_at)' \
  -c 'VACUUM (FREEZE, ANALYZE) documents' >"$S/logs/keys.log" 2>&1 || { cat "$S/logs/keys.log" >&2; exit 1; }
dc exec -T db psql -X -q -U app -d app -c CHECKPOINT
measure_generated_database
}

# ---------------------------------------------------------------------------------------------
# 3. the media volume: ~60% of the bytes in 1-2 MiB random "photos", the rest in small SVGs
generate_media() {
if ((BENCH_MEDIA_MB == 0)); then MEDIA_FILES=0 MEDIA_BYTES=0 MEDIA_DIRS=0 MEDIA_GEN_S=0; return 0; fi
MEDIA_TARGET=$((BENCH_MEDIA_MB * 1000000))
N_LARGE=$((BENCH_MEDIA_MB * 200 / 500)); ((N_LARGE >= 4)) || N_LARGE=4
N_SMALL=$((BENCH_MEDIA_MB * 20000 / 500)); ((N_SMALL >= 100)) || N_SMALL=100
LARGE_MIN=1048576
LARGE_MAX=2097152
# Optional knobs (unset: the defaults above): how many SVGs and photos/scans, and the scans' size
# range in bytes. The SVGs take whatever the scans leave of BENCH_MEDIA_MB (at least 2 KiB each).
N_SMALL=${BENCH_MEDIA_SVGS:-$N_SMALL}
N_LARGE=${BENCH_MEDIA_SCANS:-$N_LARGE}
LARGE_MIN=${BENCH_MEDIA_SCAN_MIN:-$LARGE_MIN}
LARGE_MAX=${BENCH_MEDIA_SCAN_MAX:-$LARGE_MAX}
log "generating the media volume: $N_SMALL SVG files, $N_LARGE photos"
t0=$(now)
dc exec -T web perl - /app/media "$N_SMALL" "$MEDIA_TARGET" "$N_LARGE" "$LARGE_MIN" "$LARGE_MAX" <<'PERL'
use strict;
use warnings;
use File::Path qw(make_path);
my ($root, $n_small, $target, $n_large, $large_min, $large_max) = @ARGV;
srand(20261125);
my $large_bytes = 0;
open my $urandom, '<:raw', '/dev/urandom' or die "urandom: $!";
for my $j (0 .. $n_large - 1) {
  my $png = $j % 3 != 0;
  my $dir = sprintf '%s/photos/%04d/%02d', $root, 2019 + $j % 6, 1 + int($j / 6) % 12;
  make_path($dir);
  my $size = $large_min + int(rand($large_max - $large_min));
  my $header = $png ? "\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR" : "\xff\xd8\xff\xe0\0\x10JFIF\0\x01\x01\0";
  my $body = '';
  while (length($body) < $size - length($header)) {
    my $got = read($urandom, my $chunk, $size - length($header) - length($body));
    die "urandom: $!" unless $got;
    $body .= $chunk;
  }
  open my $out, '>:raw', sprintf('%s/IMG_%05d.%s', $dir, $j, $png ? 'png' : 'jpg') or die $!;
  print {$out} $header, $body;
  close $out or die $!;
  $large_bytes += $size;
}
my $small_total = $target * 1.01 - $large_bytes;
$small_total = $n_small * 2048 if $small_total < $n_small * 2048;
my $average = $small_total / $n_small;
my @colors = map { sprintf '#%06x', int(rand(0xffffff)) } 1 .. 48;
my %made;
for my $i (0 .. $n_small - 1) {
  my $dir = sprintf '%s/uploads/%04d/%02d/%02d', $root, 2019 + $i % 6, 1 + int($i / 6) % 12, 1 + int($i / 72) % 28;
  make_path($dir) unless $made{$dir}++;
  my $want = int($average * (0.4 + 1.2 * rand()));
  my $svg = qq{<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n}
          . qq{<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="512" height="512" viewBox="0 0 512 512">\n}
          . qq{  <title>icon $i</title>\n  <g id="layer1" transform="translate(0,0)">\n};
  while (length($svg) < $want) {
    $svg .= sprintf qq{    <path d="M%.2f %.2f C%.2f %.2f %.2f %.2f %.2f %.2f Z" fill="%s" stroke="%s" stroke-width="%d" opacity="0.%d"/>\n},
      rand 512, rand 512, rand 512, rand 512, rand 512, rand 512, rand 512, rand 512,
      $colors[rand @colors], $colors[rand @colors], 1 + int(rand 4), int(rand 10);
  }
  $svg .= "  </g>\n</svg>\n";
  open my $out, '>', sprintf('%s/icon-%06d.svg', $dir, $i) or die $!;
  print {$out} $svg;
  close $out or die $!;
}
PERL
read -r MEDIA_FILES MEDIA_BYTES < <(dc exec -T web sh -c "find /app/media -type f -printf '%s\n' | awk '{ n++; s += \$1 } END { print n, s }'")
MEDIA_DIRS=$(dc exec -T web sh -c 'find /app/media -mindepth 1 -type d | wc -l')
MEDIA_GEN_S=$(elapsed "$t0" "$(now)")
log "media generated in $MEDIA_GEN_S s: $MEDIA_FILES files in $MEDIA_DIRS folders, $MEDIA_BYTES bytes ($(mb "$MEDIA_BYTES") MB)"
if ((MEDIA_BYTES < MEDIA_TARGET)); then
  echo "$BENCH_NAME: media ($MEDIA_BYTES bytes) is below BENCH_MEDIA_MB=$BENCH_MEDIA_MB" >&2; exit 1
fi
# warm the page cache for the media too, so neither side pays the first read
dc exec -T web tar cf - -C /app/media . | wc -c >/dev/null
}

# ---------------------------------------------------------------------------------------------
# measurements
# sample NAME: top -b -d 1 into samples/NAME.top while the next command runs (first run only)
sample_start() {
  SAMPLER_PID=
  [[ $BENCH_SAMPLE == 1 && $1 == 1 ]] || return 0  # $1: run + attempt, so only run 1's first attempt
  top -b -d 1 -w 512 >"$S/samples/$2.top" 2>/dev/null &
  SAMPLER_PID=$!
}
sample_stop() {
  [[ -n ${SAMPLER_PID:-} ]] || return 0
  kill "$SAMPLER_PID" 2>/dev/null || true
  wait "$SAMPLER_PID" 2>/dev/null || true
  SAMPLER_PID=
}
# Summary of a top -b log: mean over samples (the first, since boot, is skipped) of the host CPU
# (100% = both cores) and of each command's %CPU (100% = one core), processes summed by name.
summarize_top() {
  awk '
    /^top - / { n++; next }
    n < 2 { next }
    /^%Cpu\(s\):/ {
      line = $0; sub(/^%Cpu\(s\): */, "", line); k = split(line, f, /, */)
      for (i = 1; i <= k; i++) { split(f[i], p, / +/); cpu[p[2]] += p[1] }
      samples++; next
    }
    /^ *PID / { in_procs = 1; next }
    /^$/ { in_procs = 0; next }
    in_procs && $9 ~ /^[0-9.]+$/ && $9 > 0 { cmd = $12; for (i = 13; i <= NF; i++) cmd = cmd " " $i; proc[cmd] += $9 }
    END {
      if (!samples) { print "no samples"; exit }
      printf "HOST\t%d s sampled; host CPU (100%% = 2 cores): busy %.0f%% (user %.0f%%, system %.0f%%, iowait %.0f%%, softirq %.0f%%)\n",
        samples, 100 - cpu["id"] / samples, cpu["us"] / samples, cpu["sy"] / samples, cpu["wa"] / samples, cpu["si"] / samples
      for (c in proc) printf "%s\t%.0f\n", c, proc[c] / samples
    }' "$1" >"$1.sum"
  printf '%s; per process (100%% = 1 core): %s\n' "$(grep '^HOST' "$1.sum" | cut -f2)" \
    "$(grep -v '^HOST' "$1.sum" | sort -t $'\t' -k2,2nr | head -n 8 | awk -F '\t' '{ printf "%s%s %s%%", (NR > 1 ? ", " : ""), $1, $2 }')"
}

# The machine is shared (other Compose projects, builds): before each measured command wait until
# the host is quiet, and count the CPU that other Docker containers used during it (cgroup v1
# cpuacct). A run during which they used more than BENCH_FOREIGN_PCT % of the host's CPU is
# discarded and repeated (up to BENCH_RETRIES times); the report lists every attempt.
host_idle_pct() { # idle share of all cores over $1 seconds
  local a b
  a=$(awk '/^cpu /{ print $2+$3+$4+$5+$6+$7+$8+$9, $5+$6 }' /proc/stat); sleep "$1"
  b=$(awk '/^cpu /{ print $2+$3+$4+$5+$6+$7+$8+$9, $5+$6 }' /proc/stat)
  awk -v a="$a" -v b="$b" 'BEGIN { split(a, x, " "); split(b, y, " "); printf "%.0f", 100 * (y[2] - x[2]) / (y[1] - x[1]) }'
}
wait_quiet() {
  local waited=0 idle
  while :; do
    idle=$(host_idle_pct 1)
    ((idle >= BENCH_QUIET_IDLE)) && break
    if ((waited == 0)); then log "  host busy (idle $idle%), waiting for >= $BENCH_QUIET_IDLE% idle"; fi
    waited=$((waited + 1))
    if ((waited >= BENCH_QUIET_WAIT)); then log "  still busy after ${waited} s (idle $idle%), measuring anyway"; break; fi
  done
  IDLE_BEFORE=$idle
}
CGROUP_DOCKER=/sys/fs/cgroup/cpuacct/docker
OUR_IDS=  # db and web, read once the stack is up (stack_up)
cg_usage() { cat "$CGROUP_DOCKER/$1/cpuacct.usage" 2>/dev/null || echo 0; }
# "docker-total ours": CPU ns of every container (the parent cgroup keeps what removed children
# used) and of our db and web
cg_snapshot() {
  local id ours=0
  for id in $OUR_IDS; do ours=$((ours + $(cg_usage "$id"))); done
  echo "$(cat "$CGROUP_DOCKER/cpuacct.usage") $ours"
}
# The runner's container is gone once `compose run --rm` returns: read its usage while it runs.
runner_watch() {
  local id=
  while :; do
    [[ -n $id ]] || id=$(docker ps -q --no-trunc --filter "label=com.docker.compose.project=$PROJECT" \
                           --filter label=com.docker.compose.oneoff=True | head -n 1)
    if [[ -n $id && -r $CGROUP_DOCKER/$id/cpuacct.usage ]]; then cg_usage "$id" >"$1.tmp" && mv "$1.tmp" "$1"; fi
    sleep 0.5
  done
}
# "foreign ours" CPU-seconds between two snapshots; the runner's usage (file $3) counts as ours
cpu_split() {
  [[ -r $CGROUP_DOCKER/cpuacct.usage ]] || { echo "n/a n/a"; return 0; }
  local runner=0
  [[ -s ${3:-/nonexistent} ]] && runner=$(cat "$3")
  awk -v a="$1" -v b="$2" -v r="$runner" 'BEGIN { split(a, x, " "); split(b, y, " ");
    ours = y[2] - x[2] + r; f = y[1] - x[1] - ours; if (f < 0) f = 0; printf "%.1f %.1f", f / 1e9, ours / 1e9 }'
}

declare -A WALL SIZE RSS ATTEMPTS CPU_OURS
# measure KEY RUN FUNCTION [PREPARE [FINISH]]: times FUNCTION (which sets LAST_BYTES and
# LAST_RSS) with the quiet gate, the sampler and the foreign-CPU check around it; PREPARE, if
# given, runs before each attempt, FINISH after it (with FUNCTION's argument), both untimed.
measure() {
  local key=$1 i=$2 fn=$3 prepare=${4:-} finish=${5:-} attempt t0 t1 wall before after split foreign ours watcher=
  for ((attempt = 0; attempt <= BENCH_RETRIES; attempt++)); do
    if [[ -n $prepare ]]; then "$prepare"; fi
    wait_quiet
    LAST_RSS=
    rm -f "$S/logs/runner-cpu"
    if [[ $key == hk_* && -d $CGROUP_DOCKER ]]; then runner_watch "$S/logs/runner-cpu" & watcher=$!; WATCHER_PID=$watcher; fi
    sample_start "$((i + attempt))" "$key"
    before=$(cg_snapshot 2>/dev/null || echo "0 0")
    if declare -F measure_hook >/dev/null; then measure_hook before "$key"; fi  # optional, untimed
    t0=$(now)
    "$fn" "$key-$i-$attempt"
    t1=$(now)
    if declare -F measure_hook >/dev/null; then measure_hook after "$key"; fi
    after=$(cg_snapshot 2>/dev/null || echo "0 0")
    sample_stop
    if [[ -n $watcher ]]; then kill "$watcher" 2>/dev/null; wait "$watcher" 2>/dev/null || true; watcher=; WATCHER_PID=; fi
    if [[ -n $finish ]]; then "$finish" "$key-$i-$attempt"; fi
    wall=$(elapsed "$t0" "$t1")
    split=$(cpu_split "$before" "$after" "$S/logs/runner-cpu")
    foreign=${split% *}; ours=${split#* }
    ATTEMPTS[$key]+="${wall} s (idle before ${IDLE_BEFORE}%, CPU-s in our containers ${ours}, in other containers ${foreign})"
    log "  $key run $i: $wall s, $(mb "$LAST_BYTES") MB${LAST_RSS:+, runner peak RSS $(mib "$LAST_RSS") MiB}; idle before $IDLE_BEFORE%; CPU-s in our containers $ours, in others $foreign"
    if [[ $foreign != n/a ]] && ((attempt < BENCH_RETRIES)) &&
       awk -v f="$foreign" -v w="$wall" -v c="$(nproc)" -v p="$BENCH_FOREIGN_PCT" 'BEGIN { m = w * c * p / 100; if (m < 1) m = 1; exit !(f > m) }'; then
      ATTEMPTS[$key]+=" discarded; "
      log "  discarded: other containers were busy; repeating"
      continue
    fi
    ATTEMPTS[$key]+="; "
    break
  done
  WALL[$key]+="$wall "
  SIZE[$key]+="$LAST_BYTES "
  CPU_OURS[$key]+="$ours "
  if [[ -n $LAST_RSS ]]; then RSS[$key]+="$LAST_RSS "; fi
  return 0
}

# hk_job TAG COMMAND ENV ARGS...: one `docker compose run --rm COMMAND-job COMMAND ENV ARGS...`,
# its log in $S/logs/hk-TAG.log; exits the bench, showing the log, unless it succeeded. Sets
# HK_STATUS (its status file), LAST_HK_LOG and LAST_RSS (the runner's peak memory).
hk_job() {
  local tag=$1 command=$2 env=$3 rc=0
  shift
  HK_STATUS=$S/hk/status/$command-$env.json
  LAST_HK_LOG=$S/logs/hk-$tag.log
  rm -f "$HK_STATUS"
  dc run --rm -T "$command-job" "$@" >"$LAST_HK_LOG" 2>&1 || rc=$?
  if ((rc != 0)) || [[ $(jq -r .status.phase "$HK_STATUS" 2>/dev/null) != Succeeded ]]; then
    echo "$BENCH_NAME: hivekeeper $* failed (exit $rc):" >&2
    cat "$LAST_HK_LOG" >&2
    exit 1
  fi
  LAST_RSS=$(jq .status.peakMemoryBytes "$HK_STATUS")
}

# report helpers
machine_line() { # the date and the machine, for a report's first bullet
  echo "$(date -u +%Y-%m-%dT%H:%M:%SZ); host: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM, $( . /etc/os-release; echo "$PRETTY_NAME"); Docker engine $(docker version --format '{{.Server.Version}}'), $(docker compose version --short 2>/dev/null | sed 's/^/Compose /'); runner: $RUNNER_VERSION ($(docker image inspect --format '{{.Id}}' "${HIVEKEEPER_IMAGE:-hivekeeper:latest}" | cut -c8-19))"
}
print_report() { # TEXT: to standard output, and appended to BENCH_OUT when set
  printf '%s\n' "$1"
  if [[ -n ${BENCH_OUT:-} ]]; then printf '%s\n' "$1" >>"$BENCH_OUT"; fi
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
verdict() { awk -v v="$1" -v t="$2" -v op="$3" 'BEGIN { ok = (op == "<=") ? (v <= t) : (v < t); print ok ? "met" : "MISSED" }'; }
rss_list() { local out="" v; for v in $1; do out+="${out:+, }$(mib "$v")"; done; echo "$out"; }
wall_list() { echo "$1" | sed 's/ *$//; s/ /, /g'; }
