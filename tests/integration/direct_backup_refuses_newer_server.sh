# Direct mode (spec.target.postgres) against a PostgreSQL server newer than the runner's pg_dump:
# a real PostgreSQL 18 server (hivekeeper-postgres:18, Debian sid's postgresql-18) and the runner
# image's pg_dump 17. The backup is refused with ServerNewerThanClient and a message naming both
# versions and what to do, exit code 1, before anything is written: the backup directory holds
# only the status file, and the runner opened one connection to the server (its version probe),
# so pg_dump never ran. The password appears in no output. The control: the same manifest
# against a hivekeeper-postgres:17 server succeeds, so the refusal is about the version.
#
# No Compose project here: each server runs with `docker run` on a network of its own that this
# suite creates, under the host name `db`, so both runs use the very same manifest file.
# Environment (besides lib.sh's): HIVEKEEPER_POSTGRES_18_IMAGE (default hivekeeper-postgres:18).
source "$(dirname "$0")/lib.sh"
NEWER_IMAGE=${HIVEKEEPER_POSTGRES_18_IMAGE:-hivekeeper-postgres:18}
DIRECT_PASSWORD=newer-server-secret-7c1f
servers=(newer control)

server_name() { echo "$PROJECT-$1"; } # newer|control -> container name, also its network's name

remove_servers() {
  for which in "${servers[@]}"; do
    docker rm -f -v "$(server_name "$which")" >/dev/null 2>&1 || true
    docker network rm "$(server_name "$which")" >/dev/null 2>&1 || true
  done
}

finish() {
  local status=$?
  if [ "$status" -ne 0 ]; then
    echo "---- $TEST_NAME failed (exit $status)" >&2
    for which in "${servers[@]}"; do
      echo "---- docker logs $(server_name "$which")" >&2
      docker logs --tail 40 "$(server_name "$which")" >&2 2>&1 || true
    done
    for file in "$WORK"/*/stdout "$WORK"/*/stderr; do
      [ -f "$file" ] && { echo "---- ${file#"$WORK"/}" >&2; tail -40 "$file" >&2; }
    done
    echo "---- work dir kept: $WORK; re-run with HK_KEEP=1 to keep the servers" >&2
  fi
  if [ "${HK_KEEP:-0}" != 1 ]; then
    remove_servers
    [ "$status" -eq 0 ] && rm -rf "$WORK"
  fi
  exit "$status"
}

start_server() { # newer|control image: the official image's interface, every connection logged
  local name
  name=$(server_name "$1")
  docker network create "$name" >/dev/null
  docker run -d --name "$name" --network "$name" --network-alias db \
    -e POSTGRES_DB=app -e POSTGRES_USER=app -e POSTGRES_PASSWORD="$DIRECT_PASSWORD" \
    "$2" postgres -c log_connections=on >/dev/null
}

wait_for_server() { # newer|control; over TCP, which answers only once initialisation is done
  local name
  name=$(server_name "$1")
  for _ in $(seq 1 60); do
    docker exec "$name" pg_isready -q -h 127.0.0.1 -U app -d app && return 0
    [ "$(docker inspect -f '{{.State.Running}}' "$name")" == true ] || break
    sleep 1
  done
  fail "the $1 server ($name) did not start"
}

psql_server() { # newer|control SQL: as the app user, over the socket, tuples only
  docker exec -i "$(server_name "$1")" psql -X -q -v ON_ERROR_STOP=1 -At -U app app -c "$2"
}

# Connections that reached the server over the network: the runner's and pg_dump's, not this
# suite's psql (Unix socket) or pg_isready (loopback).
network_connections() { # newer|control
  docker logs "$(server_name "$1")" 2>&1 | grep 'connection received: host=' |
    grep -cvE 'host=(\[local\]|127\.0\.0\.1)' || true
}

run_direct() { # newer|control: runs the runner like a CronJob's container, no Docker socket
  local dir=$WORK/$1
  mkdir -p "$dir/backups"
  set +e
  docker run --rm --network "$(server_name "$1")" -v "$WORK/secrets:/secrets:ro" \
    -v "$WORK/job:/job:ro" -v "$dir/backups:/backups" "$HIVEKEEPER_IMAGE" run -f /job/backup.yaml \
    >"$dir/stdout" 2>"$dir/stderr"
  echo $? >"$dir/exit"
  set -e
}

files_under() { # dir: every file, relative, sorted
  find "$1" -type f -printf '%P\n' | sort
}

remove_servers
rm -rf "$WORK"
trap finish EXIT
write_password_file
mkdir -p "$WORK/job"
write_direct_manifest "$WORK/job/backup.yaml" BackupJob version-check <<YAML
  output:
    directory: /backups
    prefix: $PROJECT
YAML

start_server newer "$NEWER_IMAGE"
start_server control "$POSTGRES_IMAGE"
wait_for_server newer
wait_for_server control
for which in "${servers[@]}"; do
  psql_server "$which" "CREATE TABLE hive (id int PRIMARY KEY, name text);
    INSERT INTO hive VALUES (1, 'queen-$which'), (2, 'drone-$which');"
done
server_version=$(psql_server newer "SHOW server_version")
server_major=$(psql_server newer "SELECT current_setting('server_version_num')::int / 10000")
client_major=$(docker run --rm --entrypoint pg_dump "$HIVEKEEPER_IMAGE" --version |
  sed -nE 's/.*\(PostgreSQL\) ([0-9]+).*/\1/p')
[ -n "$client_major" ] || fail "cannot read the runner image's pg_dump version"
[ "$server_major" -gt "$client_major" ] ||
  fail "$NEWER_IMAGE runs PostgreSQL $server_version, not newer than the runner's pg_dump $client_major"
[ "$(psql_server control "SELECT current_setting('server_version_num')::int / 10000")" -le "$client_major" ] ||
  fail "$POSTGRES_IMAGE is newer than the runner's pg_dump $client_major: no control"

# The newer server: refused before anything is written.
run_direct newer
assert_eq 1 "$(cat "$WORK/newer/exit")" "exit code against PostgreSQL $server_version"
status=$WORK/newer/backups/status/version-check.json
[ -f "$status" ] || fail "no status file; the backup directory holds: $(files_under "$WORK/newer/backups")"
assert_eq Failed "$(status_field "$status" .status.phase)" "phase"
assert_eq ServerNewerThanClient \
  "$(status_field "$status" '.status.conditions[] | select(.type=="Failed") | .reason')" "Failed reason"
refusal="the server runs PostgreSQL $server_version (major $server_major), newer than this runner's pg_dump $client_major; nothing was done"
assert_eq "$refusal" "$(status_field "$status" .status.message)" "status message"
assert_eq "$refusal" \
  "$(status_field "$status" '.status.conditions[] | select(.type=="Failed") | .message')" "Failed message"
assert_contains "$WORK/newer/stderr" "hivekeeper: $refusal"
assert_contains "$WORK/newer/stderr" "hint: use a Hivekeeper image whose postgresql-client is $server_major or newer"
assert_eq "use a Hivekeeper image whose postgresql-client is $server_major or newer" \
  "$(status_field "$status" .status.hint)" "what to do, in the status"
assert_eq "status/version-check.json" "$(files_under "$WORK/newer/backups")" "files in the backup directory"
assert_eq 1 "$(network_connections newer)" "connections to the newer server (the runner's probe alone, no pg_dump)"
assert_no_password "$status" "$WORK/newer/stdout" "$WORK/newer/stderr"

# The control: the same manifest against the older server backs up.
run_direct control
assert_eq 0 "$(cat "$WORK/control/exit")" "exit code of the control against $POSTGRES_IMAGE"
status=$WORK/control/backups/status/version-check.json
assert_eq Succeeded "$(status_field "$status" .status.phase)" "phase of the control"
dump=$(find "$WORK/control/backups" -maxdepth 1 -name "${PROJECT}_prod_db_app_*.sql.gz")
[ -n "$dump" ] || fail "the control wrote no dump: $(files_under "$WORK/control/backups")"
gunzip -c "$dump" | grep -qF 'queen-control' || fail "the control's dump lacks the table's rows"
[ "$(network_connections control)" -gt 1 ] ||
  fail "the control server saw only the probe's connection, no pg_dump: the connection count proves nothing"
assert_no_password "$status" "$WORK/control/stdout" "$WORK/control/stderr"
echo "PASS $TEST_NAME"
