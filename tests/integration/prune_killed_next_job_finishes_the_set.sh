# A prune killed outright (SIGKILL) leaves no set half there. A prune deletes each set's metadata
# first and announces the set's files in the directory's journal before it deletes any; a SIGKILL
# runs no cleanup, so the next job on the directory (here `recover`) finishes the set in hand.
# 1500 sets (hard links of one real backup's dump, with their own metadata) are pruned to one; the
# runner is killed while it deletes, then every dump left must still have its metadata (no dump
# "seed-made" by a half-pruned set), the journal must be gone, and the prune's status must say
# Failed (Killed). The kill lands on a random instant: the suite reports whether it caught a set
# half-deleted, and runs up to three rounds to catch one.
source "$(dirname "$0")/lib.sh"
setup_project
start_app_with_a_backup

real=$(cd "$BACKUPS" && ls ${PROJECT}_prod_2*.json | head -1)
real=${real%.json}

make_sets() { # 1500 copies of the real set, one a minute back from 2024-01-01
  python3 - "$BACKUPS" "$real" <<'PY'
import json, os, sys, datetime
directory, source = sys.argv[1], sys.argv[2]
metadata = json.load(open(os.path.join(directory, source + ".json")))
stem, timestamp = source.rsplit("_", 2)[0], "_".join(source.rsplit("_", 2)[1:])
for n in range(1500):
    when = datetime.datetime(2024, 1, 1) - datetime.timedelta(minutes=n + 1)
    ts = when.strftime("%Y-%m-%d_%H%M%S")
    copy = json.loads(json.dumps(metadata))
    copy["timestamp"] = ts
    copy["startTime"] = copy["completionTime"] = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    for artifact in copy["artifacts"]:
        new = artifact["file"].replace(timestamp, ts)
        if not os.path.exists(os.path.join(directory, new)):
            os.link(os.path.join(directory, artifact["file"]), os.path.join(directory, new))
        artifact["file"] = new
    with open(os.path.join(directory, f"{stem}_{ts}.json"), "w") as out:
        json.dump(copy, out)
PY
}

orphans() { # dumps and archives whose set has no metadata
  python3 - "$BACKUPS" <<'PY'
import os, re, sys
names = set(os.listdir(sys.argv[1]))
for name in sorted(names):
    m = re.match(r"^(.+)_(dev|prod)(_pre-restore)?_(?:db_.+|media)_(\d{4}-\d{2}-\d{2}_\d{6})\.(sql\.gz|tgz)$", name)
    if m and f"{m.group(1)}_{m.group(2)}{m.group(3) or ''}_{m.group(4)}.json" not in names:
        print(name)
PY
}

caught=0
for round in 1 2 3; do
  make_sets
  sets=$(ls "$BACKUPS"/*.json | wc -l)
  [ "$sets" -ge 1500 ] || fail "round $round: only $sets sets made"
  compose run -d --name "$PROJECT-prune" backup-job prune prod --keep-last 1 >/dev/null
  # Kill it while it deletes: once some sets are gone, and before all are.
  for _ in $(seq 1 400); do
    left=$(ls "$BACKUPS" | grep -c '\.json$' || true)
    [ "$left" -lt $((sets - 20)) ] && break
    sleep 0.02
  done
  docker kill -s KILL "$PROJECT-prune" >/dev/null 2>&1 || true
  docker rm -f "$PROJECT-prune" >/dev/null 2>&1 || true
  left=$(ls "$BACKUPS" | grep -c '\.json$' || true)
  echo "round $round: killed with $left of $sets metadata files left"
  [ "$left" -gt 1 ] || { echo "round $round: the prune had finished before the kill"; continue; }
  [ -f "$BACKUPS/.hivekeeper.journal" ] || fail "round $round: a killed prune left no journal"
  before=$(orphans)
  [ -n "$before" ] && { caught=$((caught + 1)); echo "round $round: caught a set half-deleted: $before"; }
  run_job recover prod
  assert_eq 0 "$(job_exit)" "exit code of recover after the killed prune"
  after=$(orphans)
  [ -z "$after" ] || fail "round $round: files of a half-pruned set are left: $after"
  [ ! -f "$BACKUPS/.hivekeeper.journal" ] || fail "round $round: the journal was left"
  assert_eq Failed "$(status_field "$BACKUPS/status/prune-prod.json" .status.phase)" "phase of the killed prune"
  assert_contains "$BACKUPS/status/prune-prod.json" "Killed"
  # Every set left is whole: verify passes for all of them.
  run_job verify prod all
  assert_eq 0 "$(job_exit)" "verify of every set left after round $round"
  [ "$caught" -gt 0 ] && break
done
echo "rounds that caught a set half-deleted: $caught"
echo "PASS $TEST_NAME"
