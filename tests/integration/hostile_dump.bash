# Helpers for the suites that restore a dump someone edited (issue 11: a dump is untrusted
# input). Sourced after lib.sh. Not a suite: ctest runs tests/integration/*.sh only.

# Writes $BACKUPS/DST: the SQL of $BACKUPS/SRC passed through COMMAND (stdin to stdout), gzipped.
edit_dump() { # src dst command...
  local src=$1 dst=$2
  shift 2
  gunzip -c "$BACKUPS/$src" | "$@" | gzip >"$BACKUPS/$dst"
}

# Filters for edit_dump. TEXT may hold several lines; it reaches awk through the environment,
# since `awk -v` would read its backslashes as escapes.
insert_after_line() { # line n text: TEXT after the Nth line that equals LINE
  LINE=$1 N=$2 TEXT=$3 awk '{print} $0 == ENVIRON["LINE"] && ++seen == ENVIRON["N"] {print ENVIRON["TEXT"]}'
}
insert_before_first() { # prefix text: TEXT before the first line starting with PREFIX
  PREFIX=$1 TEXT=$2 awk '!done && index($0, ENVIRON["PREFIX"]) == 1 {print ENVIRON["TEXT"]; done = 1} {print}'
}
append_lines() { # text: TEXT after the dump's last line
  cat
  printf '%s\n' "$1"
}
# pg_dump 17.6 and later open the dump with `\restrict KEY`, under which psql itself refuses
# other meta-commands, and close it with `\unrestrict KEY`. Older dumps have neither, and an
# edited file need not keep them: the suites that check what the runner refuses drop them.
without_restrict() {
  grep -v -e '^\\restrict ' -e '^\\unrestrict '
}

dump_line_count() { # file
  gunzip -c "$BACKUPS/$1" | wc -l
}

# The number of the first line of the dump that holds TEXT (reads the whole stream: an early
# exit would fail the pipe under pipefail).
dump_line_of() { # file text
  gunzip -c "$BACKUPS/$1" | TEXT=$2 awk '!found && index($0, ENVIRON["TEXT"]) {found = NR} END {print found + 0}'
}

# The restore job as run_restore runs it, under `timeout LIMIT`: $WORK/exit holds 124 when the
# job was still running after LIMIT seconds (its container is removed then), $WORK/seconds the
# wall time.
run_restore_within() { # limit args...
  local limit=$1 started
  shift
  started=$(date +%s)
  set +e
  timeout --kill-after=10 "$limit" docker compose --project-name "$PROJECT" --project-directory "$WORK" \
    -f "$WORK/compose.yml" -f "$WORK/hivekeeper.yml" run --rm -T --name "$PROJECT-restore" restore-job "$@" \
    >"$WORK/stdout" 2>"$WORK/stderr"
  echo $? >"$WORK/exit"
  set -e
  echo $(($(date +%s) - started)) >"$WORK/seconds"
  docker rm -f "$PROJECT-restore" >/dev/null 2>&1 || true
}

job_seconds() { cat "$WORK/seconds"; }

restore_status() { echo "$BACKUPS/status/restore-prod.json"; }

failed_reason() { # status-file
  status_field "$1" '.status.conditions[] | select(.type == "Failed") | .reason'
}

# The message names line N of the dump: "line N" with no other digit after it, in stderr and in
# the status's message.
assert_names_line() { # n status-file
  grep -qE "line $1([^0-9]|\$)" "$WORK/stderr" || fail "stderr does not name line $1 of the dump; it holds: $(head -c 2000 "$WORK/stderr")"
  status_field "$2" .status.message | grep -qE "line $1([^0-9]|\$)" ||
    fail "the status message does not name line $1 of the dump: $(status_field "$2" .status.message)"
}

# psql and gzip processes in the database container (a restore's, since nothing else runs them),
# one command line each; waits up to 5 s for them to go.
restore_processes_left() {
  local db left
  db=$(compose ps -q db)
  for _ in $(seq 1 25); do
    left=$(docker exec "$db" sh -c 'for p in /proc/[0-9]*; do
      c=$(tr "\0" " " <"$p/cmdline" 2>/dev/null); case "$c" in gzip*|psql*) echo "$c" ;; esac; done')
    [ -z "$left" ] && return 0
    sleep 0.2
  done
  echo "$left"
}

db_path_exists() { # path: in the database container
  docker exec "$(compose ps -q db)" test -e "$1"
}
