# `prune` keeps what restic's `forget` would. One real `backup prod --media` set, copied under 40
# older timestamps over two years (several a day, pairs of sets that fall on two Auckland days
# within one UTC day, gaps of weeks and months, month, year and ISO-week ends, either side of
# 45 days). For five policies the dry run's keep or delete, and the rules that keep each set, must
# equal an independent model of the rules written here from the contract (walk newest first; a
# bucket rule keeps a set whose calendar bucket, in the policy's timezone, differs from that of
# the last set the rule kept, until it has kept N, -1 never; a rule with counts left at the end
# also keeps the oldest set, as restic's ApplyPolicy does; keep-within counts back from the
# newest set).
# The dry run deletes nothing. Then one policy runs for real: exactly the kept sets' files remain,
# `list` shows exactly them, and every remaining set verifies.
source "$(dirname "$0")/lib.sh"
setup_project
start_app_with_a_backup
newest=$(find "$BACKUPS" -maxdepth 1 -name "${PROJECT}_prod_2*.json" -printf '%f\n')
newest=${newest%.json}
[[ $newest =~ _[0-9]{4}-[0-9]{2}-[0-9]{2}_[0-9]{6}$ ]] || fail "no metadata of the real backup: [$newest]"

cat >"$WORK/retention_model.py" <<'PY'
import datetime as dt, json, sys
from zoneinfo import ZoneInfo

UTC = dt.timezone.utc

def parse_ts(ts):
    return dt.datetime.strptime(ts, "%Y-%m-%d_%H%M%S").replace(tzinfo=UTC)

def copy_timestamps(newest):
    """40 older times over two years: several a day, gaps of weeks, month and year ends."""
    day0 = newest.replace(hour=0, minute=0, second=0)
    at = lambda days, h, m, s=0: day0 - dt.timedelta(days=days) + dt.timedelta(hours=h, minutes=m, seconds=s)
    times = [
        # Several a day (hourly buckets); 10:40-12:20 UTC is the next day in Auckland, summer or winter.
        at(1, 22, 10), at(1, 2, 5),
        at(2, 12, 15), at(2, 10, 45), at(2, 9, 50),
        at(3, 23, 59, 59), at(3, 13, 0), at(3, 9, 55), at(3, 9, 10), at(3, 8, 40), at(3, 8, 5),
        at(4, 12, 20), at(4, 10, 40),
        at(5, 0, 0, 1),
        at(6, 11, 50), at(6, 3, 30),
        at(8, 12, 5), at(9, 10, 50), at(11, 4, 0), at(13, 6, 0), at(16, 3, 15),
        at(20, 3, 15), at(27, 3, 15), at(34, 3, 15),
        at(44, 3, 0), at(46, 5, 0),                     # either side of 45 days
        at(75, 3, 15), at(110, 3, 15), at(150, 3, 15),  # gaps of weeks, then months
    ]
    for year in (newest.year - 1, newest.year - 2):     # year, ISO-week and month ends
        times += [dt.datetime(year, 12, 31, 23, 59, 59, tzinfo=UTC), dt.datetime(year, 12, 31, 11, 30, tzinfo=UTC),
                  dt.datetime(year, 12, 28, 3, 15, tzinfo=UTC), dt.datetime(year, 6, 30, 23, 0, tzinfo=UTC),
                  dt.datetime(year, 7, 1, 0, 30, tzinfo=UTC)]
    times += [dt.datetime(newest.year - 1, 1, 1, 0, 0, 0, tzinfo=UTC),
              dt.datetime(newest.year - 1, 3, 31, 23, 30, tzinfo=UTC), dt.datetime(newest.year - 1, 4, 1, 0, 15, tzinfo=UTC)]
    earliest = newest - dt.timedelta(days=2 * 366)
    return sorted({t for t in times if earliest < t < newest}, reverse=True)

BUCKETS = {
    "hourly": lambda t: t.strftime("%Y-%m-%d %H"),
    "daily": lambda t: t.strftime("%Y-%m-%d"),
    "weekly": lambda t: "%d-W%02d" % t.isocalendar()[:2],
    "monthly": lambda t: t.strftime("%Y-%m"),
    "yearly": lambda t: t.strftime("%Y"),
}

def plan(sets, policy, zone):
    """sets: {name: UTC time}; policy: {"last": N, "hourly": N, ..., "within": days}. Returns
    {name: sorted reasons}, none = delete. The weekly and within reasons are their rule's name only
    (the contract does not spell out their text)."""
    tz = ZoneInfo(zone)
    order = sorted(sets, key=lambda name: (sets[name], name), reverse=True)
    newest = sets[order[0]]
    left = {rule: policy[rule] for rule in ["last", *BUCKETS] if rule in policy}
    last_kept_bucket, result = {}, {}
    for name in order:
        time, reasons = sets[name], []
        if left.get("last", 0) != 0:
            reasons.append("last")
            left["last"] -= 1
        for rule, bucket_of in BUCKETS.items():
            if left.get(rule, 0) == 0:
                continue
            bucket = bucket_of(time.astimezone(tz))
            # As restic does, a rule with counts left also keeps the oldest set of the series.
            if bucket != last_kept_bucket.get(rule) or name == order[-1]:
                last_kept_bucket[rule] = bucket
                left[rule] -= 1 if left[rule] > 0 else 0  # -1: unlimited
                reasons.append(rule if rule == "weekly" else f"{rule} {bucket}")
        if "within" in policy and time > newest - dt.timedelta(days=policy["within"]):
            reasons.append("within")
        result[name] = sorted(reasons)
    return result

def set_times(names):
    return {name: parse_ts(name[-17:]) for name in names}

def compare(expected, actual_document, want_kind):
    """Mismatches between the model's plan and the runner's `prune -o json` output."""
    problems = []
    if actual_document.get("kind") != want_kind:
        problems.append(f"kind {actual_document.get('kind')!r}, expected {want_kind!r}")
    actual = {item["name"]: item for item in actual_document.get("items", [])}
    for name in sorted(set(expected) - set(actual)):
        problems.append(f"{name}: not listed")
    for name in sorted(set(actual) - set(expected)):
        problems.append(f"{name}: listed but not a set of this environment")
    for name in sorted(set(expected) & set(actual), reverse=True):
        want = "keep" if expected[name] else "delete"
        got = actual[name].get("action")
        reasons = sorted(r.split(" ")[0] if r.split(" ")[0] in ("weekly", "within") else r
                         for r in actual[name].get("reasons", []))
        if got != want:
            problems.append(f"{name}: {got}, expected {want} (model's reasons {expected[name]}, runner's {actual[name].get('reasons')})")
        elif want == "keep" and reasons != expected[name]:
            problems.append(f"{name}: kept for {actual[name].get('reasons')}, expected {expected[name]}")
    return problems

if __name__ == "__main__":
    if sys.argv[1] == "timestamps":  # timestamps NEWEST_TS
        print("\n".join(t.strftime("%Y-%m-%d_%H%M%S") for t in copy_timestamps(parse_ts(sys.argv[2]))))
    elif sys.argv[1] == "plan":  # plan POLICY ZONE < set names: the model's plan as JSON
        print(json.dumps(plan(set_times(sys.stdin.read().split()), json.loads(sys.argv[2]), sys.argv[3])))
    elif sys.argv[1] == "compare":  # compare PLAN_FILE RUNNER_OUTPUT_FILE KIND
        problems = compare(json.load(open(sys.argv[2])), json.load(open(sys.argv[3])), sys.argv[4])
        print("\n".join(problems))
        sys.exit(1 if problems else 0)
PY
model() { python3 "$WORK/retention_model.py" "$@"; }

for ts in $(model timestamps "${newest: -17}"); do
  copy_set_as "$newest" "${PROJECT}_prod_$ts"
done
set_names() { set_names_of "$PROJECT" prod; }
assert_eq 41 "$(set_names | wc -l)" "sets in the directory (the real one and its copies)"
assert_eq 123 "$(backup_files | wc -l)" "files in the directory (three a set)"
all_files=$(find "$BACKUPS" -type f -printf '%P\n' | sort)

# Compares a dry run with ARGS to the model's plan for POLICY in ZONE.
check_dry_run() { # policy zone args...
  local policy=$1 zone=$2
  shift 2
  set_names | model plan "$policy" "$zone" >"$WORK/expected.json"
  # The data must make the policy decide something: some sets kept, some deleted.
  jq -e '([.[] | select(length > 0)] | length) > 0 and ([.[] | select(length == 0)] | length) > 0' "$WORK/expected.json" >/dev/null ||
    fail "the model keeps all or nothing under $*: the data does not test it"
  run_job prune prod "$@" --dry-run -o json
  assert_eq 0 "$(job_exit)" "exit code of prune $* --dry-run"
  cp "$WORK/stdout" "$WORK/dry-run.json"
  model compare "$WORK/expected.json" "$WORK/dry-run.json" PrunePlan >"$WORK/mismatches" ||
    fail "prune $* --dry-run differs from the model: $(cat "$WORK/mismatches")"
  assert_eq "$all_files" "$(find "$BACKUPS" -type f -printf '%P\n' | sort)" "files after prune $* --dry-run"
  echo "ok: prune $* --dry-run keeps $(jq '[.[] | select(length > 0)] | length' "$WORK/expected.json") of 41, as the model does"
}

check_dry_run '{"daily": 7, "weekly": 4, "monthly": 12, "yearly": 3}' UTC \
  --keep-daily 7 --keep-weekly 4 --keep-monthly 12 --keep-yearly 3
check_dry_run '{"last": 3, "within": 45}' UTC --keep-last 3 --keep-within 45d
check_dry_run '{"hourly": 14, "yearly": -1}' UTC --keep-hourly 14 --keep-yearly -1
check_dry_run '{"daily": 10}' Pacific/Auckland --keep-daily 10 --timezone Pacific/Auckland
# The Auckland days must matter: in UTC the same policy keeps other sets.
set_names | model plan '{"daily": 10}' UTC >"$WORK/utc.json"
[ "$(jq -c 'map_values(length > 0)' "$WORK/utc.json")" != "$(jq -c 'map_values(length > 0)' "$WORK/expected.json")" ] ||
  fail "keep-daily 10 keeps the same sets in UTC and in Pacific/Auckland: the data does not test the timezone"
check_dry_run '{"weekly": 5, "monthly": 30}' UTC --keep-weekly 5 --keep-monthly 30

# For real: exactly the kept sets' three files remain, and nothing else changes.
policy='{"daily": 7, "weekly": 4, "monthly": 12, "yearly": 3}'
set_names | model plan "$policy" UTC >"$WORK/expected.json"
run_job prune prod --keep-daily 7 --keep-weekly 4 --keep-monthly 12 --keep-yearly 3 -o json
assert_eq 0 "$(job_exit)" "exit code of the prune"
cp "$WORK/stdout" "$WORK/result.json"
model compare "$WORK/expected.json" "$WORK/result.json" PruneResult >"$WORK/mismatches" ||
  fail "the prune's result differs from the model: $(cat "$WORK/mismatches")"
kept=$(jq -r 'to_entries[] | select(.value | length > 0) | .key' "$WORK/expected.json" | sort)
expected_files=$(for name in $kept; do
  ts=${name: -17}
  printf '%s\n' "$name.json" "${PROJECT}_prod_db_app_$ts.sql.gz" "${PROJECT}_prod_media_$ts.tgz"
done | sort)
assert_eq "$expected_files" "$(backup_files)" "backup files after the prune"
leftovers=$(find "$BACKUPS" -maxdepth 1 -type f -name '.*' -printf '%f\n')
assert_eq "" "$leftovers" "hidden files left by the prune"
echo "ok: the prune left the $(echo "$kept" | wc -l) kept sets, whole"

run_job list prod -o json
assert_eq 0 "$(job_exit)" "exit code of list"
assert_eq "$(echo "$kept" | sort -r)" "$(jq -r '.items[].name' "$WORK/stdout")" "sets list shows after the prune, newest first"

run_job verify prod all
assert_eq 0 "$(job_exit)" "exit code of verify all after the prune"
assert_eq "$(echo "$kept" | sed 's/^/PASSED /' | sort)" "$(grep -E '^(PASSED|FAILED) ' "$WORK/stdout" | sort)" "verify's lines after the prune"

# A second run finds nothing more to delete.
run_job prune prod --keep-daily 7 --keep-weekly 4 --keep-monthly 12 --keep-yearly 3 --dry-run -o json
assert_eq 0 "$(job_exit)" "exit code of the second dry run"
assert_eq "[]" "$(jq -c '[.items[] | select(.action != "keep") | .name]' "$WORK/stdout")" "sets a second prune would delete"
echo "PASS $TEST_NAME"
