#!/usr/bin/env bash
# bench/offsite.sh: the cost of off-site copies (issue 13): a backup to an S3 bucket and an
# age-encrypted backup against the same backup to the local directory, on a stack of its own.
#
# In one run it
#   1. brings up its own Compose stack, project `hkbench` (as bench/backup.sh, through bench/lib.sh;
#      the job services get the project's network instead of `network_mode: none`, as a user's
#      must to reach a bucket), fills the database and the media volume as bench/backup.sh does;
#   2. starts, on the stack's network, two containers of the image hivekeeper-offsite:
#      `<project>-s3` running `moto_server -H 0.0.0.0 -p 5000` (an S3 API server, Python), and
#      `<project>-tools` (sleep infinity) in which awscli and age run: the bucket `hk-bench` is
#      created there with `aws s3 mb`, and an age key with `age-keygen`; both containers (and so
#      the bucket) are removed on exit;
#   3. measures, interleaved, BENCH_RUNS times each (median reported), each command a
#      `docker compose run --rm -e AWS_ACCESS_KEY_ID -e AWS_SECRET_ACCESS_KEY backup-job run -f M`
#      of a BackupJob manifest M with `media: {enabled: true}` (the same as `backup prod --media`):
#        a. the local directory (the reference);
#        b. the bucket, spec.storage.s3 with keepLocal: false;
#        c. the bucket, keepLocal: true (directory and bucket);
#        d. the local directory, spec.encryption.age to one X25519 recipient;
#        e. the bucket (keepLocal: false) and encrypted;
#        f. the seed's own way to an encrypted off-site copy, for comparison, DB then media:
#             docker compose exec -T db pg_dump -U app app | gzip | age -r R | aws s3 cp - s3://...
#             docker compose exec -T web tar czf - -C /app/media . | age -r R | aws s3 cp - s3://...
#           where `age` and `aws` run in the tools container (`docker exec -i`, reading stdin);
#      before each attempt (untimed) the local directory and that command's prefix in the bucket
#      are emptied. Recorded: wall time, output size (status artifacts; for f the objects), the
#      runner's peak RSS (status.peakMemoryBytes of backups/django/status/<manifest>.json), and
#      CPU-seconds of the runner's container, of moto_server's and of the tools container
#      (cgroup v1 cpuacct), so that the cost of the bucket can be told apart: the runner's or the
#      server's (moto is single-process Python, likely the bottleneck on 2 cores). Quiet gate,
#      foreign-CPU check and retries as in bench/backup.sh (moto and tools count as ours);
#   4. with BENCH_DIAG=1, times two pieces once each: moto alone (`aws s3 cp` of a random file of
#      the encrypted set's size from the tools container into the bucket) and `age -r` alone on
#      the same file;
#   5. checks the last outputs once: `aws s3 ls` shows each set in the bucket (dump, media,
#      metadata) and no multipart upload is left open; b's dump passes gunzip -t; c's bucket copy
#      of the dump equals its local copy; `age -d` of d's and f's dumps passes gunzip -t; e's dump
#      decrypts and decompresses to a dump with the "dump complete" trailer and e's media archive
#      decrypts to the volume's file count. Then prints Markdown tables: per command wall, output,
#      RSS and CPU; ratios b/a, c/a (target <= 1.15), d/a (<= 1.10), e/a (<= 1.15 x 1.10 = 1.265),
#      e/b (encryption on the bucket path, <= 1.10); e's peak RSS (< 64 MiB);
#   6. removes the two containers, its stack and scratch dir on exit, unless BENCH_KEEP=1.
#
# Environment: as bench/backup.sh (BENCH_DB_MB default 1200, BENCH_MEDIA_MB default 500,
# BENCH_RUNS default 3, BENCH_KEEP, BENCH_SAMPLE, BENCH_QUIET_*, BENCH_FOREIGN_PCT, BENCH_RETRIES,
# BENCH_DIAG (default 1, the pieces of step 4), BENCH_PROJECT, BENCH_SCRATCH, BENCH_OUT,
# HIVEKEEPER_IMAGE, POSTGRES_IMAGE, WEB_IMAGE); OFFSITE_IMAGE, default hivekeeper-offsite
# (docker build -t hivekeeper-offsite tests/images/offsite).
#
# Needs: docker with the compose v2 plugin, bash, gzip, tar, jq, awk, top (procps), the image
# hivekeeper-offsite, and a Hivekeeper image with spec.storage.s3 and spec.encryption.age. Run as
# a user that can use the Docker socket (and read /sys/fs/cgroup/cpuacct for the CPU columns).
# Sizes: MB = 10^6 bytes; RSS in MiB (2^20 bytes), as the runner logs it.

# The measured commands are called through measure (SC2317); single quotes hold backquoted
# Markdown and scripts for the tools container (SC2016).
# shellcheck disable=SC2317,SC2016
set -euo pipefail
BENCH_NAME=offsite.sh
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

OFFSITE_IMAGE=${OFFSITE_IMAGE:-hivekeeper-offsite}
BUCKET=hk-bench
S3_HOST=$PROJECT-s3
S3_URL=http://$S3_HOST:5000
TOOLS=$PROJECT-tools
export AWS_ACCESS_KEY_ID=hk-bench-key AWS_SECRET_ACCESS_KEY=hk-bench-secret AWS_DEFAULT_REGION=us-east-1
MOTO_ID='' TOOLS_ID=''
# Refusals before stack_up skip lib.sh's cleanup (the project may be someone else's).
refuse() { echo "$BENCH_NAME: $*" >&2; trap - EXIT; [[ -n ${BENCH_SCRATCH:-} ]] || rm -rf "$S"; exit 2; }
docker image inspect "$OFFSITE_IMAGE" >/dev/null 2>&1 ||
  refuse "no image $OFFSITE_IMAGE (docker build -t hivekeeper-offsite tests/images/offsite)"
for name in "$S3_HOST" "$TOOLS"; do
  if docker container inspect "$name" >/dev/null 2>&1; then
    refuse "a container $name exists already; set BENCH_PROJECT or remove it"
  fi
done
# The jobs must reach the bucket: the project's default network instead of none.
sed -i '/^  network_mode: none$/d' "$S/hivekeeper.yml"
if grep -q 'network_mode' "$S/hivekeeper.yml"; then
  refuse "could not give the jobs a network (deploy/compose/hivekeeper.yml changed?)"
fi
# Called by lib.sh's cleanup: the containers started here hold the network, remove them first.
before_stack_down() {
  local id
  for id in $TOOLS_ID $MOTO_ID; do docker rm -f "$id" >/dev/null 2>&1 || true; done
}
tools() { docker exec -i "$TOOLS" "$@"; }
aws_s3() { tools aws --endpoint-url "$S3_URL" "$@"; }

# 1. the stack, the database, the media volume (bench/lib.sh)
stack_up
generate_database
generate_media

# 2. the S3 server, the tools, the bucket, the key
MOTO_ID=$(docker run -d --network "${PROJECT}_default" --name "$S3_HOST" "$OFFSITE_IMAGE" moto_server -H 0.0.0.0 -p 5000)
TOOLS_ID=$(docker run -d --network "${PROJECT}_default" --name "$TOOLS" --init \
  -e AWS_ACCESS_KEY_ID -e AWS_SECRET_ACCESS_KEY -e AWS_DEFAULT_REGION "$OFFSITE_IMAGE" sleep infinity)
OUR_IDS+=" $MOTO_ID $TOOLS_ID"  # their CPU is part of what is measured, not foreign
log "started $S3_HOST (moto_server) and $TOOLS on ${PROJECT}_default (removed on exit; with BENCH_KEEP=1 remove them first: docker rm -f $S3_HOST $TOOLS)"
for ((try = 0; ; try++)); do
  aws_s3 s3 mb "s3://$BUCKET" >/dev/null 2>&1 && break
  ((try < 60)) || { echo "$BENCH_NAME: moto_server did not answer within 30 s" >&2; docker logs "$MOTO_ID" >&2; exit 1; }
  sleep 0.5
done
tools age-keygen -o /tmp/key.txt 2>/dev/null
RECIPIENT=$(tools age-keygen -y /tmp/key.txt)
MOTO_VERSION=$(tools python3 -c 'import moto; print(moto.__version__)' 2>/dev/null || echo unknown)
AWS_VERSION=$(tools aws --version 2>&1 | cut -d' ' -f1)
AGE_VERSION=$(tools age --version)
log "bucket $BUCKET on $S3_URL (moto $MOTO_VERSION); age recipient $RECIPIENT"

# The manifests: a BackupJob each, all with media; PREFIX names the command's folder in the bucket.
manifest() { # NAME [s3 PREFIX KEEP_LOCAL] [age]
  local name=$1
  shift
  cat <<YAML
apiVersion: hivekeeper.io/v1
kind: BackupJob
metadata: {name: $name}
spec:
  environment: prod
  media: {enabled: true}
YAML
  if [[ ${1:-} == s3 ]]; then
    cat <<YAML
  storage:
    keepLocal: $3
    s3:
      endpoint: $S3_URL
      bucket: $BUCKET
      prefix: $2
      forcePathStyle: true
      accessKeyIdFrom: {env: AWS_ACCESS_KEY_ID}
      secretAccessKeyFrom: {env: AWS_SECRET_ACCESS_KEY}
YAML
    shift 3
  fi
  if [[ ${1:-} == age ]]; then
    printf '  encryption:\n    age:\n      recipients: [%s]\n' "$RECIPIENT"
  fi
}
manifest bench-local >"$STACK/manifests/bench-local.yaml"
manifest bench-s3 s3 s3/ false >"$STACK/manifests/bench-s3.yaml"
manifest bench-s3-keep s3 s3-keep/ true >"$STACK/manifests/bench-s3-keep.yaml"
manifest bench-local-age age >"$STACK/manifests/bench-local-age.yaml"
manifest bench-s3-age s3 s3-age/ false age >"$STACK/manifests/bench-s3-age.yaml"
KEYS=(hk_local hk_s3 hk_s3_keep hk_local_age hk_s3_age seed_s3_age)
declare -A MANIFEST=([hk_local]=bench-local [hk_s3]=bench-s3 [hk_s3_keep]=bench-s3-keep
                     [hk_local_age]=bench-local-age [hk_s3_age]=bench-s3-age)
declare -A PREFIX=([hk_s3]=s3/ [hk_s3_keep]=s3-keep/ [hk_s3_age]=s3-age/ [seed_s3_age]=seed/)

# Take the container start and moto's first multipart upload out of the first measured run.
dc run --rm -T backup-job version >/dev/null 2>&1 || true
t0=$(now); dc run --rm -T backup-job version >/dev/null 2>&1 || true; RUN_NOOP_S=$(elapsed "$t0" "$(now)")
tools sh -c 'head -c 12000000 /dev/urandom >/tmp/warm.bin'
aws_s3 s3 cp /tmp/warm.bin "s3://$BUCKET/warm.bin" --only-show-errors
aws_s3 s3 rm "s3://$BUCKET/warm.bin" --only-show-errors

# ---------------------------------------------------------------------------------------------
# 3. measurements (measure: bench/lib.sh); CURRENT_KEY tells PREPARE and the commands which one
cpu_ns() { [[ -n $1 ]] && cg_usage "$1" || echo 0; }
mark_cpu_start() { MOTO_NS0=$(cpu_ns "$MOTO_ID"); TOOLS_NS0=$(cpu_ns "$TOOLS_ID"); }
mark_cpu_stop() { MOTO_NS1=$(cpu_ns "$MOTO_ID"); TOOLS_NS1=$(cpu_ns "$TOOLS_ID"); }
cpu_s() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) / 1e9 }'; }

prepare_run() { # untimed: an empty directory, an empty prefix for this command
  find "$S/hk" -maxdepth 1 -type f -delete
  if [[ -n ${PREFIX[$CURRENT_KEY]:-} ]]; then
    aws_s3 s3 rm --recursive "s3://$BUCKET/${PREFIX[$CURRENT_KEY]}" --only-show-errors
  fi
}
hk_offsite() { # TAG: one `docker compose run --rm backup-job run -f` of CURRENT_KEY's manifest
  local name=${MANIFEST[$CURRENT_KEY]} rc=0
  HK_STATUS=$S/hk/status/$name.json
  LAST_HK_LOG=$S/logs/hk-$1.log
  rm -f "$HK_STATUS"
  mark_cpu_start
  dc run --rm -T -e AWS_ACCESS_KEY_ID -e AWS_SECRET_ACCESS_KEY backup-job run -f "/manifests/$name.yaml" \
    >"$LAST_HK_LOG" 2>&1 || rc=$?
  mark_cpu_stop
  if ((rc != 0)) || [[ $(jq -r .status.phase "$HK_STATUS" 2>/dev/null) != Succeeded ]]; then
    echo "$BENCH_NAME: hivekeeper run -f $name.yaml failed (exit $rc):" >&2
    cat "$LAST_HK_LOG" >&2
    exit 1
  fi
}
seed_s3_age() { # TAG: the seed's pipelines with age and aws in the tools container
  local stamp prefix=s3://$BUCKET/${PREFIX[seed_s3_age]}
  stamp=$(date -u +%Y-%m-%d_%H%M%S)
  mark_cpu_start
  dc exec -T db pg_dump -U app app | gzip |
    tools bash -c 'set -o pipefail; age -r "$1" | aws --endpoint-url "$2" s3 cp - "$3" --only-show-errors' \
      _ "$RECIPIENT" "$S3_URL" "${prefix}${PROJECT}_prod_db_app_$stamp.sql.gz.age"
  dc exec -T web tar czf - -C /app/media . |
    tools bash -c 'set -o pipefail; age -r "$1" | aws --endpoint-url "$2" s3 cp - "$3" --only-show-errors' \
      _ "$RECIPIENT" "$S3_URL" "${prefix}${PROJECT}_prod_media_$stamp.tgz.age"
  mark_cpu_stop
}
declare -A MOTO_CPU TOOLS_CPU RUNNER_CPU
finish_run() { # untimed: sizes, CPU, and the outputs kept in $S/last/KEY for the checks
  local key=$CURRENT_KEY
  LAST_MOTO_S=$(cpu_s "$MOTO_NS0" "$MOTO_NS1")
  LAST_TOOLS_S=$(cpu_s "$TOOLS_NS0" "$TOOLS_NS1")
  LAST_RUNNER_S=n/a
  [[ -s $S/logs/runner-cpu ]] && LAST_RUNNER_S=$(cpu_s 0 "$(cat "$S/logs/runner-cpu")")
  rm -rf "$S/last/$key"
  mkdir -p "$S/last/$key"
  if [[ $key == hk_* ]]; then
    LAST_BYTES=$(jq '[.status.artifacts[] | select(.kind != "metadata") | .bytes] | add' "$HK_STATUS")
    LAST_RSS=$(jq .status.peakMemoryBytes "$HK_STATUS")
    find "$S/hk" -maxdepth 1 -type f -exec mv -t "$S/last/$key" {} +
    cp "$HK_STATUS" "$S/last/$key/status.json"
    cp "$LAST_HK_LOG" "$S/last/$key/runner.log"
  else
    LAST_BYTES=$(aws_s3 s3 ls --recursive --summarize "s3://$BUCKET/${PREFIX[$key]}" | awk '/Total Size:/ { print $3 }')
  fi
  log "  $key: CPU-s runner $LAST_RUNNER_S, moto_server $LAST_MOTO_S, tools $LAST_TOOLS_S"
}
run_one() { # KEY RUN
  CURRENT_KEY=$1
  if [[ $1 == hk_* ]]; then measure "$1" "$2" hk_offsite prepare_run finish_run
  else measure "$1" "$2" "$1" prepare_run finish_run; fi
  MOTO_CPU[$1]+="$LAST_MOTO_S "
  TOOLS_CPU[$1]+="$LAST_TOOLS_S "
  RUNNER_CPU[$1]+="$LAST_RUNNER_S "
}

log "measuring: $BENCH_RUNS run(s) of each, interleaved"
LOADAVG_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
for ((i = 1; i <= BENCH_RUNS; i++)); do
  for key in "${KEYS[@]}"; do run_one "$key" "$i"; done
done
LOADAVG_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# 4. the pieces: moto alone, age alone, on a random file of the encrypted set's size
DIAG=
diag() { # LABEL COMMAND...: once, inside the tools container
  local label=$1 t0 t1
  shift
  wait_quiet
  mark_cpu_start
  t0=$(now)
  "$@"
  t1=$(now)
  mark_cpu_stop
  DIAG+="| $label | $(elapsed "$t0" "$t1") | $(cpu_s "$MOTO_NS0" "$MOTO_NS1") | $(cpu_s "$TOOLS_NS0" "$TOOLS_NS1") |"$'\n'
  log "  diag: $label: $(elapsed "$t0" "$t1") s"
}
if [[ $BENCH_DIAG == 1 ]]; then
  DIAG_BYTES=$(echo "${SIZE[hk_s3_age]}" | median)
  log "timing the pieces once each ($(mb "$DIAG_BYTES") MB)"
  tools sh -c "head -c $DIAG_BYTES /dev/urandom >/tmp/diag.bin"
  diag "\`aws s3 cp\` of a $(mb "$DIAG_BYTES") MB random file into the bucket (moto alone, awscli's multipart)" \
    aws_s3 s3 cp /tmp/diag.bin "s3://$BUCKET/diag/diag.bin" --only-show-errors
  diag "\`age -r R < file > /dev/null\` (the reference age, Go)" tools sh -c "age -r $RECIPIENT </tmp/diag.bin >/dev/null"
  aws_s3 s3 rm --recursive "s3://$BUCKET/diag/" --only-show-errors
  tools rm -f /tmp/diag.bin
fi

# ---------------------------------------------------------------------------------------------
# 5. the last outputs, once
log "checking the last outputs"
LISTING=$(aws_s3 s3 ls --recursive "s3://$BUCKET/")
fail_check() { echo "$BENCH_NAME: check failed: $*" >&2; printf '%s\n' "$LISTING" >&2; exit 1; }
for key in hk_s3 hk_s3_keep hk_s3_age; do
  n=$(grep -c " ${PREFIX[$key]}${PROJECT}_prod_" <<<"$LISTING" || true)
  ((n == 3)) || fail_check "${PREFIX[$key]} holds $n objects, not a set of 3 (dump, media, metadata)"
done
n=$(grep -c " ${PREFIX[seed_s3_age]}${PROJECT}_prod_" <<<"$LISTING" || true)
((n == 2)) || fail_check "${PREFIX[seed_s3_age]} holds $n objects, not 2"
OPEN_UPLOADS=$(aws_s3 s3api list-multipart-uploads --bucket "$BUCKET" | jq '.Uploads // [] | length')
((${OPEN_UPLOADS:-0} == 0)) || fail_check "$OPEN_UPLOADS multipart uploads left open"
artifact_file() { # KEY KIND: the file name of an artifact of KEY's last set (the status names the
  # object for keepLocal: false, the local file otherwise)
  basename "$(jq -r --arg k "$2" '.status.artifacts[] | select(.kind == $k) | .path' "$S/last/$1/status.json")"
}
object_of() { echo "s3://$BUCKET/${PREFIX[$1]}$(artifact_file "$1" "$2")"; }
aws_s3 s3 cp "$(object_of hk_s3 database)" - | gunzip -t || fail_check "b's dump in the bucket"
c_dump=$(artifact_file hk_s3_keep database)
[[ -s $S/last/hk_s3_keep/$c_dump ]] || fail_check "c left no local dump"
[[ $(aws_s3 s3 cp "$(object_of hk_s3_keep database)" - | sha256sum) == "$(sha256sum <"$S/last/hk_s3_keep/$c_dump")" ]] ||
  fail_check "c's bucket copy of the dump differs from its local copy"
d_dump=$S/last/hk_local_age/$(artifact_file hk_local_age database)
[[ $d_dump == *.age ]] || fail_check "d's dump is not an .age file: $d_dump"
tools bash -c 'set -o pipefail; age -d -i /tmp/key.txt | gunzip -t' <"$d_dump" || fail_check "age -d | gunzip -t of d's dump"
E_TRAILER=$(tools bash -c 'set -o pipefail; aws --endpoint-url "$1" s3 cp "$2" - | age -d -i /tmp/key.txt | gunzip -c | tail -n 5' \
  _ "$S3_URL" "$(object_of hk_s3_age database)") || fail_check "age -d | gunzip of e's dump"
grep -q 'PostgreSQL database dump complete' <<<"$E_TRAILER" || fail_check "e's dump has no 'dump complete' trailer"
E_FILES=$(tools bash -c 'set -o pipefail; aws --endpoint-url "$1" s3 cp "$2" - | age -d -i /tmp/key.txt | tar tvzf - | grep -c "^-"' \
  _ "$S3_URL" "$(object_of hk_s3_age media)") || fail_check "age -d | tar tzf of e's media"
((E_FILES == MEDIA_FILES)) || fail_check "e's media archive has $E_FILES files, the volume $MEDIA_FILES"
f_dump=$(grep -o "${PREFIX[seed_s3_age]}${PROJECT}_prod_db_app_[0-9_-]*\.sql\.gz\.age" <<<"$LISTING")
tools bash -c 'set -o pipefail; aws --endpoint-url "$1" s3 cp "$2" - | age -d -i /tmp/key.txt | gunzip -t' \
  _ "$S3_URL" "s3://$BUCKET/$f_dump" || fail_check "age -d | gunzip -t of f's dump"
CHECK="aws s3 ls: a set of 3 objects under each of ${PREFIX[hk_s3]}, ${PREFIX[hk_s3_keep]}, ${PREFIX[hk_s3_age]} and 2 under ${PREFIX[seed_s3_age]}; multipart uploads open: $OPEN_UPLOADS; b's dump (from the bucket) gunzip -t OK; c's bucket copy of the dump = its local copy (sha256); age -d | gunzip -t OK for d's local dump and f's; e's dump from the bucket decrypts, decompresses and ends with the 'dump complete' trailer; e's media decrypts to $E_FILES files (volume: $MEDIA_FILES)"
log "$CHECK"
# moto_server's peak RSS (VmHWM; it is the container's first process): it keeps objects in memory
MOTO_PID=$(docker inspect -f '{{.State.Pid}}' "$MOTO_ID")
MOTO_PEAK_RSS=$(awk '/^VmHWM:/ { print $2 * 1024 }' "/proc/$MOTO_PID/status" 2>/dev/null || true)

# ---------------------------------------------------------------------------------------------
# the report
declare -A LABEL=(
  [hk_local]='a. local directory (reference): `run -f bench-local.yaml`'
  [hk_s3]='b. bucket, keepLocal: false'
  [hk_s3_keep]='c. bucket, keepLocal: true'
  [hk_local_age]='d. local directory, age-encrypted'
  [hk_s3_age]='e. bucket (keepLocal: false), age-encrypted'
  [seed_s3_age]='f. seed: `exec db pg_dump | gzip | age | aws s3 cp -`, then `exec web tar czf | age | aws s3 cp -`'
)
declare -A MED_WALL MED_SIZE
for key in "${KEYS[@]}"; do
  MED_WALL[$key]=$(echo "${WALL[$key]}" | median)
  MED_SIZE[$key]=$(echo "${SIZE[$key]}" | median)
done
med_or_na() { local v; v=$(echo "$1" | tr ' ' '\n' | grep -v '^n/a$' | median); echo "${v:-n/a}"; }
core_share() { awk -v c="$1" -v w="$2" 'BEGIN { if (c == "n/a") print "n/a"; else printf "%.0f%%", 100 * c / w }'; }
max_of() { echo "$1" | tr ' ' '\n' | grep -v '^$' | sort -g | tail -n 1; }
R_B=$(ratio "${MED_WALL[hk_s3]}" "${MED_WALL[hk_local]}")
R_C=$(ratio "${MED_WALL[hk_s3_keep]}" "${MED_WALL[hk_local]}")
R_D=$(ratio "${MED_WALL[hk_local_age]}" "${MED_WALL[hk_local]}")
R_E=$(ratio "${MED_WALL[hk_s3_age]}" "${MED_WALL[hk_local]}")
R_EB=$(ratio "${MED_WALL[hk_s3_age]}" "${MED_WALL[hk_s3]}")
R_FE=$(ratio "${MED_WALL[seed_s3_age]}" "${MED_WALL[hk_s3_age]}")
RSS_E=$(max_of "${RSS[hk_s3_age]}")
RSS_ALL=$(max_of "${RSS[hk_local]} ${RSS[hk_s3]} ${RSS[hk_s3_keep]} ${RSS[hk_local_age]} ${RSS[hk_s3_age]}")

report() {
  local key
  cat <<EOF
### Off-site benchmark: DB ${BENCH_DB_MB} MB, media ${BENCH_MEDIA_MB} MB, ${BENCH_RUNS} run(s)

- $(machine_line)
- S3 server: moto_server $MOTO_VERSION (Python, one process) in its own container of $OFFSITE_IMAGE on the stack's network; $AWS_VERSION and age $AGE_VERSION in a second one (the tools container, for f and the checks)
- database: plain \`pg_dump app\` = $DUMP_BYTES bytes ($(mb "$DUMP_BYTES") MB); media: $MEDIA_FILES files, $MEDIA_BYTES bytes ($(mb "$MEDIA_BYTES") MB)
- \`docker compose run --rm backup-job version\` (container start and removal alone): $RUN_NOOP_S s
- load average before / after the measurements: $LOADAVG_BEFORE / $LOADAVG_AFTER
- every command backs up DB + media; a-e are \`docker compose run --rm -e AWS_ACCESS_KEY_ID -e AWS_SECRET_ACCESS_KEY backup-job run -f M\` (container start included); f's \`age\` and \`aws\` run in the tools container (\`docker exec -i\`, reading stdin), its gzip on the host

| command | wall s (median) | wall s (each run) | output MB (median) | runner peak RSS MiB (each run) | CPU-s runner | CPU-s moto_server (share of one core) | CPU-s tools container |
|---|---:|---|---:|---|---:|---:|---:|
EOF
  for key in "${KEYS[@]}"; do
    local moto runner tools_s rss=–
    moto=$(med_or_na "${MOTO_CPU[$key]}")
    runner=$(med_or_na "${RUNNER_CPU[$key]}")
    tools_s=$(med_or_na "${TOOLS_CPU[$key]}")
    [[ -n ${RSS[$key]:-} ]] && rss=$(rss_list "${RSS[$key]}")
    [[ $key == hk_* ]] || runner=–
    echo "| ${LABEL[$key]} | ${MED_WALL[$key]} | $(wall_list "${WALL[$key]}") | $(mb "${MED_SIZE[$key]}") | $rss | $runner | $moto ($(core_share "$moto" "${MED_WALL[$key]}")) | $tools_s |"
  done
  cat <<EOF

| comparison | wall ratio | target | |
|---|---:|---|---|
| b/a: bucket (keepLocal: false) / local | $R_B | ≤ 1.15 | $(verdict "$R_B" 1.15 "<=") |
| c/a: bucket (keepLocal: true) / local | $R_C | ≤ 1.15 | $(verdict "$R_C" 1.15 "<=") |
| d/a: encrypted / unencrypted, local | $R_D | ≤ 1.10 | $(verdict "$R_D" 1.10 "<=") |
| e/a: bucket + encrypted / local | $R_E | ≤ 1.265 (1.15 × 1.10) | $(verdict "$R_E" 1.265 "<=") |
| e/b: encrypted / unencrypted, bucket | $R_EB | ≤ 1.10 | $(verdict "$R_EB" 1.10 "<=") |
| e: runner peak RSS, bucket + encrypted (max of its runs) | $(mib "$RSS_E") MiB | < 64 MiB | $(verdict "$(mib "$RSS_E")" 64 "<") |
| runner peak RSS, all of a-e (max) | $(mib "$RSS_ALL") MiB | < 64 MiB | $(verdict "$(mib "$RSS_ALL")" 64 "<") |
| f/e: the seed's pipelines / Hivekeeper, bucket + encrypted | $R_FE | (for comparison) | |

Where the bucket's time goes: b − a = $(awk -v b="${MED_WALL[hk_s3]}" -v a="${MED_WALL[hk_local]}" 'BEGIN { printf "%+.2f", b - a }') s wall, runner CPU $(med_or_na "${RUNNER_CPU[hk_s3]}") vs $(med_or_na "${RUNNER_CPU[hk_local]}") CPU-s, moto_server $(med_or_na "${MOTO_CPU[hk_s3]}") CPU-s (CPU-s are cgroup v1 cpuacct of each container; 2 cores = 2 CPU-s per wall second). moto_server's peak RSS over the whole benchmark: $(if [[ -n $MOTO_PEAK_RSS ]]; then echo "$(mib "$MOTO_PEAK_RSS") MiB"; else echo n/a; fi) (it joins a multipart upload's parts in memory on completion). The runner's CPU is read from its cgroup every 0.5 s while it runs (bench/lib.sh), so it may miss up to the last 0.5 s: a lower bound.

Check: $CHECK.

Every attempt (wall s; host idle share just before; CPU-seconds used during it in our containers, i.e. db + web + the runner + moto_server + tools, and in other Docker containers; an attempt during which others used more than $BENCH_FOREIGN_PCT% of the host's CPU, at least 1 CPU-s, is discarded and repeated, at most $BENCH_RETRIES times):
EOF
  for key in "${KEYS[@]}"; do echo "- $key: ${ATTEMPTS[$key]}"; done
  if [[ -n $DIAG ]]; then
    echo
    echo "The pieces, once each, on a random file of e's output size (in the tools container):"
    echo
    echo "| piece | wall s | CPU-s moto_server | CPU-s tools container |"
    echo "|---|---:|---:|---:|"
    printf '%s' "$DIAG"
  fi
  if [[ $BENCH_SAMPLE == 1 ]]; then
    echo
    echo "CPU during the first run of each (top -b -d 1):"
    echo
    for key in "${KEYS[@]}"; do
      if [[ -s $S/samples/$key.top ]]; then echo "- $key: $(summarize_top "$S/samples/$key.top")"; fi
    done
  fi
  echo
  echo "Bucket after the last runs (\`aws s3 ls --recursive\`):"
  echo
  echo '```'
  printf '%s\n' "$LISTING"
  echo '```'
  echo
  echo "Runner log of the last bucket + encrypted run (e):"
  echo
  echo '```'
  grep -v '^ *$' "$S/last/hk_s3_age/runner.log"
  echo '```'
}
print_report "$(report)"
exit 0
