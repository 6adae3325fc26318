# Shared harness for the integration suites: each suite is one behaviour, run by ctest as
# `bash tests/integration/NAME.sh`, against the real Docker engine. Each suite gets its own
# Compose project (hkt-NAME: containers, network, volumes) and work directory, removes what an
# earlier run left, and cleans up after itself. On failure it prints the containers' logs,
# keeps the work directory and says how to look inside.
#
# Environment: HIVEKEEPER_IMAGE (default hivekeeper:latest), HIVEKEEPER_POSTGRES_IMAGE (default
# hivekeeper-postgres:17), HK_SCRATCH (default /tmp/hivekeeper-tests; must be the same path on
# the Docker host, since Compose bind-mounts from it).
set -euo pipefail

HK_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export HIVEKEEPER_IMAGE=${HIVEKEEPER_IMAGE:-hivekeeper:latest}
export POSTGRES_IMAGE=${HIVEKEEPER_POSTGRES_IMAGE:-hivekeeper-postgres:17}
export WEB_IMAGE=${HIVEKEEPER_WEB_IMAGE:-debian:trixie}
TEST_NAME=$(basename "$0" .sh)
PROJECT="hkt-${TEST_NAME//_/-}"
WORK=${HK_SCRATCH:-/tmp/hivekeeper-tests}/$TEST_NAME
BACKUPS=$WORK/backups/django
MEDIA_VOLUME=${PROJECT}_media

compose() {
  docker compose --project-name "$PROJECT" --project-directory "$WORK" \
    -f "$WORK/compose.yml" -f "$WORK/hivekeeper.yml" "$@"
}

cleanup() {
  local status=$?
  if [ "$status" -ne 0 ]; then
    echo "---- $TEST_NAME failed (exit $status); container logs:" >&2
    for container in $(docker ps -aq --filter "label=com.docker.compose.project=$PROJECT"); do
      echo "---- docker logs $(docker inspect -f '{{.Name}}' "$container")" >&2
      docker logs --tail 40 "$container" >&2 2>&1 || true
    done
    for file in stdout stderr; do
      [ -f "$WORK/$file" ] && { echo "---- job $file" >&2; tail -40 "$WORK/$file" >&2; }
    done
    echo "---- work dir kept: $WORK" >&2
    echo "---- the project is removed; re-run with HK_KEEP=1 to keep it, then:" >&2
    echo "     docker compose -p $PROJECT exec db psql -U app app" >&2
  fi
  if [ "${HK_KEEP:-0}" != 1 ]; then
    compose down -v --remove-orphans --timeout 2 >/dev/null 2>&1 || true
    docker volume rm -f "$MEDIA_VOLUME" >/dev/null 2>&1 || true
    [ "$status" -eq 0 ] && rm -rf "$WORK"
  fi
  exit "$status"
}

setup_project() {
  compose down -v --remove-orphans --timeout 2 >/dev/null 2>&1 || true
  rm -rf "$WORK"
  mkdir -p "$WORK/manifests" "$BACKUPS"
  cp "$HK_ROOT/deploy/compose/demo/compose.yml" "$WORK/compose.yml"
  cp "$HK_ROOT/deploy/compose/hivekeeper.yml" "$WORK/hivekeeper.yml"
  cp "$HK_ROOT"/deploy/compose/demo/manifests/* "$WORK/manifests/"
  # The demo names its project; each suite needs its own.
  sed -i '/^name:/d' "$WORK/compose.yml"
  trap cleanup EXIT
}

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

assert_eq() { # expected actual what
  [ "$1" == "$2" ] || fail "$3: expected [$1], got [$2]"
}

assert_contains() { # file text
  grep -qF -- "$2" "$1" || fail "$(basename "$1") does not contain [$2]; it holds: $(head -c 2000 "$1")"
}

start_app() {
  compose up -d --wait --quiet-pull db web >/dev/null 2>&1 || { compose up -d --wait db web; fail "the app did not start"; }
}

psql_app() { # SQL...: runs as the app user in the app database, tuples only
  compose exec -T db psql -X -q -v ON_ERROR_STOP=1 -At -U app "${PSQL_DB:-app}" "$@"
}

seed_database() {
  compose exec -T db psql -X -q -v ON_ERROR_STOP=1 -U app app < "$HK_ROOT/deploy/compose/demo/seed.sql" >/dev/null
}

# Nested folders, a name with spaces and non-ASCII characters, an empty file, a 0600 file, an
# incompressible "scan", a symlink, fixed mtimes.
seed_media() {
  docker run --rm -v "$MEDIA_VOLUME:/m" "$WEB_IMAGE" bash -euc '
    mkdir -p "/m/uploads/scans/2026" "/m/glyphs/ä ö/deeper"
    printf "<svg>%s</svg>\n" "glyph one" > "/m/glyphs/ä ö/glyph one.svg"
    printf "<svg>ü</svg>\n" > "/m/glyphs/ä ö/deeper/ü.svg"
    : > /m/uploads/empty.txt
    head -c 200000 /dev/urandom > /m/uploads/scans/2026/scan.png
    for i in $(seq 1 40); do printf "<svg><path d=\"M%d 0 L 10 10\"/></svg>\n" "$i" > /m/glyphs/g$i.svg; done
    echo secret-ish > /m/uploads/private.txt; chmod 600 /m/uploads/private.txt
    ln -s ../glyphs/g1.svg /m/uploads/link.svg
    ln /m/glyphs/g2.svg /m/uploads/same-inode-as-g2.svg  # a hard link: one file, two names
    touch -h -d "2025-12-17 03:15:00" /m/glyphs/g1.svg /m/uploads/empty.txt /m/uploads/link.svg'
}

# The app running with the demo's data and media, and one `backup prod --media` of it.
start_app_with_a_backup() {
  start_app
  seed_database
  seed_media
  run_job backup prod --media
  assert_eq 0 "$(job_exit)" "exit code of the backup"
}

# Runs the backup-job service (JOB_SERVICE) with ARGS; records stdout, stderr and the exit code
# in $WORK. Options for `docker compose run` itself go in the array JOB_RUN_OPTIONS.
JOB_RUN_OPTIONS=()
run_job() {
  set +e
  compose run --rm -T "${JOB_RUN_OPTIONS[@]}" "${JOB_SERVICE:-backup-job}" "$@" >"$WORK/stdout" 2>"$WORK/stderr"
  echo $? >"$WORK/exit"
  set -e
}

job_exit() { cat "$WORK/exit"; }

run_restore() { JOB_SERVICE=restore-job run_job "$@"; }

status_field() { # status-file jq-filter
  jq -r "$2" "$1"
}

# Files in the backup directory that a user (or "latest" selection) could take for a backup.
# Every artifact the set's METADATA lists has the size and sha256 recorded for it.
assert_artifacts_match_metadata() { # metadata-file
  local kind file
  for kind in $(jq -r '.artifacts[].kind' "$1"); do
    file=$BACKUPS/$(jq -r ".artifacts[] | select(.kind == \"$kind\") | .file" "$1")
    assert_eq "$(sha256sum <"$file" | cut -c1-64)" "$(jq -r ".artifacts[] | select(.kind == \"$kind\") | .sha256" "$1")" "$kind sha256 in metadata"
    assert_eq "$(stat -c %s "$file")" "$(jq -r ".artifacts[] | select(.kind == \"$kind\") | .bytes" "$1")" "$kind size in metadata"
  done
}

backup_files() {
  find "$BACKUPS" -maxdepth 1 -type f \( -name '*.sql.gz' -o -name '*.tgz' -o -name '*.json' \) -printf '%f\n' | sort
}

assert_no_backup_left() {
  local left
  left=$(find "$BACKUPS" -maxdepth 1 -type f -printf '%f\n' | sort)
  [ -z "$left" ] || fail "files left in the backup directory: $left"
  [ -z "$(docker ps -aq --filter "label=hivekeeper.io/volume=$MEDIA_VOLUME")" ] || fail "a helper container was left behind"
}

# md5 of every table's rows, of each sequence's value and of the view and function results.
database_fingerprint() { # [database]
  PSQL_DB=${1:-app} psql_app <<'SQL'
SELECT string_agg(format('%s=%s', c.relname, md5(x.rows)), E'\n' ORDER BY c.relname)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
CROSS JOIN LATERAL (SELECT query_to_xml(format('SELECT md5(coalesce(string_agg(t::text, %L ORDER BY t::text), %L)) AS h FROM %I.%I t', '|', '', n.nspname, c.relname), false, false, '')::text AS rows) x
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v');
SELECT 'invoice_number_seq=' || last_value FROM invoice_number_seq;
SELECT 'glyph_label=' || glyph_label(9731);
SQL
}

# Path, type, mode, size and sha256 of each file, link targets, and the mtimes of files and
# links, for the volume (read in a container) or for a directory (an unpacked archive).
media_fingerprint_of_volume() {
  docker run --rm -v "$MEDIA_VOLUME:/m:ro" -v "$HK_ROOT/tests/integration/media_fingerprint:/fp:ro" \
    "$WEB_IMAGE" bash /fp /m || fail "cannot read the media volume"
}

copy_media_volume_to() { # dir: the volume's content, modes and times kept (a claim's stand-in)
  docker run --rm -v "$MEDIA_VOLUME:/m:ro" -v "$1:/out" "$WEB_IMAGE" cp -a /m/. /out/
}

media_fingerprint_of_dir() {
  bash "$HK_ROOT/tests/integration/media_fingerprint" "$1"
}

# Direct mode (spec.target.postgres), as a cluster runs the runner: no Docker socket, the database
# reached over the network, the password in a file as a mounted Secret gives it.
DIRECT_PASSWORD=demo-only-password

write_password_file() { # the Secret's file: $WORK/secrets/password
  mkdir -p "$WORK/secrets"
  printf '%s\n' "$DIRECT_PASSWORD" >"$WORK/secrets/password"
}

# A prod job's manifest whose spec.target is the app's database in direct mode; the rest of the
# spec, indented as under `spec:`, comes on standard input.
write_direct_manifest() { # file kind name
  {
    cat <<YAML
apiVersion: hivekeeper.io/v1
kind: $2
metadata:
  name: $3
spec:
  environment: prod
  target:
    postgres: {host: db, database: app, user: app, passwordFrom: {file: /secrets/password}}
YAML
    cat
  } >"$1"
}

app_network() { # the network the app's db container is on
  docker inspect -f '{{range $name, $_ := .NetworkSettings.Networks}}{{$name}}{{end}}' "$(compose ps -q db)"
}

assert_no_password() { # files...
  local file
  for file in "$@"; do
    ! grep -qF "$DIRECT_PASSWORD" "$file" || fail "the password appears in $(basename "$file")"
  done
}

# A big table for the SIGTERM suites, in its own schema: out of database_fingerprint (which reads
# public), so it is checked by count and sum instead of being hashed twice. Its jsonb column makes
# the server take some 3 s per million rows, however fast the dump reaches it.
create_bulk_table() { # rows
  psql_app -c "CREATE SCHEMA bulk" -c "CREATE TABLE bulk.rows (id bigint, created timestamptz, data jsonb)" \
    -c "INSERT INTO bulk.rows SELECT n, '2026-01-01'::timestamptz + n * interval '1 s',
          jsonb_build_object('n', n, 'tags', jsonb_build_array('bee', 'hive', n % 7), 'note', 'row ' || n)
        FROM generate_series(1, $1) n" >/dev/null
}

bulk_summary() {
  docker exec "$(compose ps -q db)" psql -X -q -At -U app app -c "SELECT count(*) || ' rows, sum ' || sum(id) FROM bulk.rows"
}

# Waits, in one session polling every 20 ms, until a restore's psql copies the big table's rows
# (a safety backup's pg_dump copies them TO stdout, which does not count); prints that session's
# pid, or nothing after 60 s.
pid_loading_bulk() {
  docker exec "$(compose ps -q db)" psql -X -q -v ON_ERROR_STOP=1 -U app app -c "DO \$\$ DECLARE copying int; BEGIN
    FOR i IN 1..3000 LOOP
      PERFORM pg_stat_clear_snapshot();
      SELECT pid INTO copying FROM pg_stat_activity WHERE query LIKE 'COPY bulk.rows %FROM stdin;';
      IF copying IS NOT NULL THEN RAISE NOTICE 'copying %', copying; RETURN; END IF;
      PERFORM pg_sleep(0.02);
    END LOOP;
  END \$\$" 2>&1 | sed -n 's/^NOTICE:  copying //p' || true
}

# A backup set (with metadata) copied under another set name, <prefix>_<env>[_pre-restore]_<ts>,
# as if it had been made then: its files renamed, and in the metadata the timestamp, start and
# completion times, prefix, environment and artifact names rewritten. Sizes and sha256 stay true,
# since the content is the same; the metadata is written last, as a backup does.
copy_set_as() { # source-set new-set [dir]
  local dir=${3:-$BACKUPS} pattern='^(.+)_(dev|prod)(_pre-restore)?_([0-9]{4}-[0-9]{2}-[0-9]{2}_[0-9]{6})$'
  [[ $1 =~ $pattern ]] || fail "copy_set_as: $1 is not a set name"
  local old_ts=${BASH_REMATCH[4]} old_stem=${1%_"${BASH_REMATCH[4]}"}
  [[ $2 =~ $pattern ]] || fail "copy_set_as: $2 is not a set name"
  local prefix=${BASH_REMATCH[1]} env=${BASH_REMATCH[2]} ts=${BASH_REMATCH[4]} stem=${2%_"${BASH_REMATCH[4]}"}
  local time="${ts:0:10}T${ts:11:2}:${ts:13:2}:${ts:15:2}Z" file rest
  [ -f "$dir/$1.json" ] || fail "copy_set_as: no metadata $1.json"
  for file in $(jq -r '.artifacts[].file' "$dir/$1.json"); do
    rest=${file#"$old_stem"}
    cp -p "$dir/$file" "$dir/$stem${rest//"$old_ts"/"$ts"}"
  done
  cp -p "$dir/$1.json" "$dir/.$2.json.copying"
  jq --arg ts "$ts" --arg time "$time" --arg prefix "$prefix" --arg env "$env" --arg old_stem "$old_stem" \
    --arg stem "$stem" --arg old_ts "$old_ts" '.timestamp = $ts | .startTime = $time | .completionTime = $time
      | .prefix = $prefix | .environment = $env
      | .artifacts[].file |= ($stem + (ltrimstr($old_stem) | split($old_ts) | join($ts)))' \
    "$dir/$1.json" >"$dir/.$2.json.copying"
  mv "$dir/.$2.json.copying" "$dir/$2.json"
}

timestamp_before() { # timestamp seconds: the backup timestamp that many seconds earlier
  date -u -d "@$(($(date -u -d "${1:0:10} ${1:11:2}:${1:13:2}:${1:15:2}" +%s) - $2))" +%Y-%m-%d_%H%M%S
}

# One cell of a table `list` printed: the row whose first field is ROW, cut at the header's
# column positions (cells such as "56.1 KiB" hold spaces).
table_cell() { # file row column
  python3 - "$@" <<'PY'
import sys
lines = open(sys.argv[1]).read().splitlines()
header, columns = lines[0], lines[0].split()
starts = [header.index(column) for column in columns]
i = columns.index(sys.argv[3])
for line in lines[1:]:
    if line.split()[:1] == [sys.argv[2]]:
        print(line[starts[i]:starts[i + 1] if i + 1 < len(starts) else None].strip())
PY
}

# The set names (metadata files less .json) of PREFIX and ENV in the backup directory, sorted.
set_names_of() { # prefix env [dir]
  find "${3:-$BACKUPS}" -maxdepth 1 -name "$1_$2_2*.json" -printf '%f\n' | sed 's/\.json$//' | sort
}

# A set as the seed's scripts make one, without metadata: `pg_dump | gzip` of the app's database
# and, with `media`, `tar czf` of the volume under a top folder media/.
seed_style_backup() { # env timestamp [media] [dir]
  local dir=${4:-$BACKUPS}
  compose exec -T db pg_dump -U app app | gzip >"$dir/${PROJECT}_$1_db_app_$2.sql.gz"
  if [ "${3:-}" == media ]; then
    docker run --rm -v "$MEDIA_VOLUME:/app/media:ro" -v "$dir:/out" "$WEB_IMAGE" \
      tar czf "/out/${PROJECT}_$1_media_$2.tgz" -C /app media
  fi
}

# Off-site suites: an S3 API server (moto_server, image hivekeeper-offsite) as the project's
# service s3, reachable from the job containers as http://s3:5000, with the bucket hk-backups.
# The jobs leave network_mode none for the project's network, as a user's must to reach a bucket.
export AWS_ACCESS_KEY_ID=hk-test-key AWS_SECRET_ACCESS_KEY=hk-test-secret AWS_DEFAULT_REGION=us-east-1
S3_BUCKET=hk-backups
start_s3() {
  python3 - "$WORK/compose.yml" "$WORK/hivekeeper.yml" <<'PY'
import sys, yaml
app = yaml.safe_load(open(sys.argv[1]))
app["services"]["s3"] = {"image": "hivekeeper-offsite",
                         "command": ["moto_server", "-H", "0.0.0.0", "-p", "5000"]}
yaml.safe_dump(app, open(sys.argv[1], "w"), sort_keys=False)
text = open(sys.argv[2]).read().replace("  network_mode: none\n", "")
open(sys.argv[2], "w").write(text)
PY
  compose up -d s3 >/dev/null 2>&1 || fail "the S3 server did not start"
  for _ in $(seq 1 60); do
    aws_s3 s3 mb "s3://$S3_BUCKET" >/dev/null 2>&1 && return
    sleep 0.5
  done
  fail "the S3 server did not answer within 30 s"
}
aws_s3() { # ARGS: the reference client against the test's server
  compose exec -T -e AWS_ACCESS_KEY_ID -e AWS_SECRET_ACCESS_KEY -e AWS_DEFAULT_REGION s3 \
    aws --endpoint-url http://localhost:5000 "$@"
}
# The spec.storage block of a manifest for the test's bucket (PREFIX ends in /); KEEP_LOCAL for
# a BackupJob only. The jobs reach the bucket at S3_ENDPOINT (the fault proxy's, say).
S3_ENDPOINT=http://s3:5000
s3_storage_yaml() { # prefix [keepLocal]
  echo "  storage:"
  [ -z "${2:-}" ] || echo "    keepLocal: $2"
  cat <<YAML
    s3:
      endpoint: $S3_ENDPOINT
      bucket: $S3_BUCKET
      prefix: $1
      forcePathStyle: true
      accessKeyIdFrom: {env: AWS_ACCESS_KEY_ID}
      secretAccessKeyFrom: {env: AWS_SECRET_ACCESS_KEY}
YAML
}
S3_JOB_ENV=(-e AWS_ACCESS_KEY_ID -e AWS_SECRET_ACCESS_KEY)
# $WORK/manifests/NAME.yaml: BackupJob NAME of prod with media, file prefix beelab, to the test's
# bucket under S3_PREFIX (ends in /); EXTRA is more of the spec, indented as under `spec:` (a
# retention policy, spec.encryption).
offsite_backup_manifest() { # name s3-prefix keepLocal [extra]
  {
    cat <<YAML
apiVersion: hivekeeper.io/v1
kind: BackupJob
metadata: {name: $1}
spec:
  environment: prod
  media: {enabled: true}
  output: {prefix: beelab}
YAML
    s3_storage_yaml "$2" "$3"
    [ -z "${4:-}" ] || printf '%s\n' "$4"
  } >"$WORK/manifests/$1.yaml"
}
# The fault proxy (s3_fault_proxy.py, a fake for the faults a real server cannot be made to
# produce) in front of the S3 server, as the project's service faults; ARGS go to the proxy
# (--fault MARKER=TEXT). Jobs reach it with S3_ENDPOINT=http://faults:8000.
start_s3_fault_proxy() { # [proxy args...]
  python3 - "$WORK/compose.yml" "$HK_ROOT/tests/integration/s3_fault_proxy.py" "$@" <<'PY'
import sys, yaml
app = yaml.safe_load(open(sys.argv[1]))
app["services"]["faults"] = {
    "image": "hivekeeper-offsite", "volumes": [sys.argv[2] + ":/s3_fault_proxy.py:ro"],
    "command": ["python3", "/s3_fault_proxy.py", "--listen", "8000", "--upstream", "s3:5000"] + sys.argv[3:]}
yaml.safe_dump(app, open(sys.argv[1], "w"), sort_keys=False)
PY
  compose up -d faults >/dev/null 2>&1 || fail "the fault proxy did not start"
  for _ in $(seq 1 50); do
    proxy_events >/dev/null 2>&1 && return
    sleep 0.2
  done
  fail "the fault proxy did not answer within 10 s"
}
proxy_events() { # what the proxy did, one line each: "<key> part <n> try <k>: <what>"
  compose exec -T faults curl -sf http://localhost:8000/__events
}

# Reporting suites: a webhook receiver and a Prometheus Pushgateway as services of the project
# (image hivekeeper-offsite). The jobs leave network_mode none for the project's network, as a
# user's must to reach them.
add_reporting_service() { # name service-json
  python3 - "$WORK/compose.yml" "$WORK/hivekeeper.yml" "$1" "$2" <<'PY'
import json, sys, yaml
app = yaml.safe_load(open(sys.argv[1]))
app["services"][sys.argv[3]] = json.loads(sys.argv[4])
yaml.safe_dump(app, open(sys.argv[1], "w"), sort_keys=False)
text = open(sys.argv[2]).read().replace("  network_mode: none\n", "")
open(sys.argv[2], "w").write(text)
PY
  compose up -d "$1" >/dev/null 2>&1 || fail "the $1 did not start"
}
# http://receiver:8080 records each POST and PUT in $WORK/receiver/requests.jsonl (path,
# headers, body in base64) and answers 204; a path under /slow/ is recorded, then never answered.
RECEIVER_LOG=$WORK/receiver/requests.jsonl
start_webhook_receiver() {
  mkdir -p "$WORK/receiver"
  cat >"$WORK/receiver.py" <<'PY'
import base64, http.server, json, time
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.end_headers()
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with open("/data/requests.jsonl", "a") as log:
            log.write(json.dumps({"method": self.command, "path": self.path,
                                  "headers": dict(self.headers.items()),
                                  "body": base64.b64encode(body).decode()}) + "\n")
        if self.path.startswith("/slow/"):
            time.sleep(600)
        self.send_response(204); self.end_headers()
    do_PUT = do_POST
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(("0.0.0.0", 8080), Handler).serve_forever()
PY
  add_reporting_service receiver "{\"image\": \"hivekeeper-offsite\", \"command\": [\"python3\", \"/receiver.py\"],
    \"volumes\": [\"$WORK/receiver.py:/receiver.py:ro\", \"$WORK/receiver:/data\"]}"
  for _ in $(seq 1 50); do
    compose exec -T receiver curl -sf http://localhost:8080/ >/dev/null 2>&1 && return
    sleep 0.2
  done
  fail "the receiver did not answer within 10 s"
}
receiver_requests_seen() { [ -f "$RECEIVER_LOG" ] && wc -l <"$RECEIVER_LOG" || echo 0; }
# The requests since SEEN, one JSON object a line, the body decoded: {method, path, headers, body}.
receiver_requests_since() { # seen
  [ -f "$RECEIVER_LOG" ] || return 0
  tail -n +"$(($1 + 1))" "$RECEIVER_LOG" | python3 -c '
import base64, json, sys
for line in sys.stdin:
    request = json.loads(line)
    request["body"] = base64.b64decode(request["body"]).decode()
    print(json.dumps(request))'
}
# http://pushgateway:9091, Debian's prometheus-pushgateway.
start_pushgateway() {
  add_reporting_service pushgateway '{"image": "hivekeeper-offsite", "command": ["prometheus-pushgateway"]}'
  for _ in $(seq 1 50); do
    pushgateway_metrics >/dev/null 2>&1 && return
    sleep 0.2
  done
  fail "the Pushgateway did not answer within 10 s"
}
pushgateway_metrics() { # the Pushgateway's own /metrics, read from a container on the network
  compose exec -T pushgateway curl -sf http://pushgateway:9091/metrics
}
