# `list` shows the backup sets of a directory and answers "is there a recent good backup?". A
# mixed directory: a real backup with media (verified), a real safety backup (restore --reset),
# a seed-made dump (no metadata), a dev copy, plus a partial file and foreign files that must not
# appear. The JSON lists exactly the sets, newest first, each with its kind, time, files and
# their sizes as on disk, verification and age, all checked against the directory itself; YAML
# says the same; the table and the wide table have one row per set. --max-age exits 0 when the
# environment's newest good set (backup or seed-made, not failed by verify) is younger, 1 when it
# is older or there is none (safety backups and failed sets do not count), 2 without an environment.
source "$(dirname "$0")/lib.sh"
setup_project
start_app_with_a_backup
backup=$(set_names_of "$PROJECT" prod)
[ -n "$backup" ] && [ "$(echo "$backup" | wc -l)" == 1 ] || fail "expected one backup set, found [$backup]"
t0=${backup: -17}
sleep 1  # the safety backup's timestamp after the backup's
run_restore restore prod --reset
assert_eq 0 "$(job_exit)" "exit code of the restore"
safety=$(set_names_of "$PROJECT" prod_pre-restore)
[ -n "$safety" ] || fail "no safety backup set"
seed=${PROJECT}_prod_$(timestamp_before "$t0" $((3 * 86400)))
seed_style_backup prod "${seed: -17}"
dev=${PROJECT}_dev_$(timestamp_before "$t0" $((2 * 86400)))
copy_set_as "$backup" "$dev"
echo partial >"$BACKUPS/.${PROJECT}_prod_db_app_2099-01-01_000000.sql.gz.partial-k7"
echo "not a backup" >"$BACKUPS/notes.txt"
echo garbage | gzip >"$BACKUPS/random.sql.gz"
echo garbage | gzip >"$BACKUPS/${PROJECT}_staging_db_app_${t0}.sql.gz"
run_job verify prod "$backup"
assert_eq 0 "$(job_exit)" "exit code of verify of the backup"

# What each set must be; the files and sizes come from the directory, by the naming rules.
cat >"$WORK/expected.json" <<JSON
{"$backup": {"kind": "backup", "verified": "Passed"}, "$safety": {"kind": "safety", "verified": null},
 "$seed": {"kind": "seed-made", "verified": null}, "$dev": {"kind": "backup", "verified": null}}
JSON
cat >"$WORK/check_list.py" <<'PY'
import datetime as dt, json, os, re, sys
document, expected, directory, environment = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3], sys.argv[4]
expected = {name: want for name, want in expected.items()
            if not environment or re.search(f"_{environment}(_pre-restore)?_\\d{{4}}-", name)}
problems = []
def check(what, want, got):
    if want != got:
        problems.append(f"{what}: expected {want!r}, got {got!r}")
check("apiVersion", "hivekeeper.io/v1", document.get("apiVersion"))
check("kind", "BackupSetList", document.get("kind"))
items = document.get("items", [])
names = [item.get("name") for item in items]
order = sorted(expected, key=lambda name: (name[-17:], name), reverse=True)
check("names, newest first", order, names)
files = os.listdir(directory)
now = dt.datetime.now(dt.timezone.utc)
for item in items:
    name = item.get("name")
    if name not in expected:
        continue
    want = expected[name]
    match = re.fullmatch(r"(.+)_(dev|prod)(_pre-restore)?_(\d{4}-\d{2}-\d{2}_\d{6})", name)
    prefix, env, safety, ts = match.groups()
    stem = name[: -len(ts) - 1]
    time = dt.datetime.strptime(ts, "%Y-%m-%d_%H%M%S").replace(tzinfo=dt.timezone.utc)
    check(f"{name} prefix", prefix, item.get("prefix"))
    check(f"{name} environment", env, item.get("environment"))
    check(f"{name} kind", want["kind"], item.get("kind"))
    check(f"{name} timestamp", ts, item.get("timestamp"))
    check(f"{name} time", time.strftime("%Y-%m-%dT%H:%M:%SZ"), item.get("time"))
    for part, pattern in [("database", rf"{re.escape(stem)}_db_.+_{ts}\.sql\.gz"), ("media", rf"{re.escape(stem)}_media_{ts}\.tgz")]:
        found = [f for f in files if re.fullmatch(pattern, f)]
        want_part = {"file": found[0], "bytes": os.path.getsize(os.path.join(directory, found[0]))} if found else None
        got_part = item.get(part)
        check(f"{name} {part}", want_part, {k: got_part.get(k) for k in ("file", "bytes")} if isinstance(got_part, dict) else got_part)
    check(f"{name} metadata", f"{name}.json" if os.path.exists(os.path.join(directory, f"{name}.json")) else None, item.get("metadata"))
    verified = item.get("verified")
    check(f"{name} verified", want["verified"], verified.get("result") if isinstance(verified, dict) else verified)
    if isinstance(verified, dict):
        check(f"{name} verified by", "verify", verified.get("by"))
    age = (now - time).total_seconds()
    if not isinstance(item.get("ageSeconds"), (int, float)) or abs(item["ageSeconds"] - age) > 300:
        problems.append(f"{name} ageSeconds: expected about {age:.0f}, got {item.get('ageSeconds')!r}")
print("\n".join(problems))
sys.exit(1 if problems else 0)
PY
check_json() { # environment ('' for all) args...
  local environment=$1
  shift
  run_job list $environment "$@" -o json
  assert_eq 0 "$(job_exit)" "exit code of list $environment $* -o json"
  cp "$WORK/stdout" "$WORK/list.json"
  python3 "$WORK/check_list.py" "$WORK/list.json" "$WORK/expected.json" "$BACKUPS" "$environment" >"$WORK/problems" ||
    fail "list $environment $* -o json: $(cat "$WORK/problems")"
}
check_json ""
check_json prod
check_json dev
check_json "" --prefix "$PROJECT"
check_json prod -d /work/backups/django
check_json prod -f /manifests/backup.yaml  # the manifest's directory and prefix: the defaults
run_job list --prefix otherprefix -o json
assert_eq 0 "$(job_exit)" "exit code of list --prefix otherprefix"
assert_eq 0 "$(jq '.items | length' "$WORK/stdout")" "sets of another prefix"

run_job list -o json
cp "$WORK/stdout" "$WORK/list.json"
run_job list -o yaml
assert_eq 0 "$(job_exit)" "exit code of list -o yaml"
python3 - "$WORK/list.json" "$WORK/stdout" <<'PY' || fail "list -o yaml differs from -o json"
import json, sys, yaml
# Times stay strings, as in JSON, whether the YAML quotes them or not.
class Loader(yaml.SafeLoader):
    yaml_implicit_resolvers = {key: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
                               for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
strip = lambda d: {**d, "items": [{k: v for k, v in i.items() if k != "ageSeconds"} for i in d["items"]]}
a, b = strip(json.load(open(sys.argv[1]))), strip(yaml.load(open(sys.argv[2]), Loader=Loader))
if a != b:
    print(json.dumps(a, sort_keys=True), json.dumps(b, sort_keys=True), sep="\n"); sys.exit(1)
PY

# Tables: the header, then one row per set in the JSON's order, name, environment and kind first.
for output in "" "-o wide"; do
  run_job list $output
  assert_eq 0 "$(job_exit)" "exit code of list $output"
  header=$(head -1 "$WORK/stdout" | tr -s ' \t' ' ' | sed 's/ $//')
  for column in NAME ENVIRONMENT KIND DATABASE MEDIA VERIFIED AGE; do
    [[ " $header " == *" $column "* ]] || fail "list $output: no column $column in [$header]"
  done
  [ -z "$output" ] && assert_eq "NAME ENVIRONMENT KIND DATABASE MEDIA VERIFIED AGE" "$header" "the table's header"
  assert_eq "$(jq -r '.items[] | "\(.name) \(.environment) \(.kind)"' "$WORK/list.json")" \
    "$(tail -n +2 "$WORK/stdout" | grep -v '^[[:space:]]*$' | awk '{print $1, $2, $3}')" "rows of list $output"
  for foreign in notes.txt random.sql.gz partial-k7 staging; do
    ! grep -q -- "$foreign" "$WORK/stdout" || fail "list $output shows $foreign"
  done
  # The verified set's VERIFIED cell: not a failure, and not what the unverified sets show.
  verified_cell=$(table_cell "$WORK/stdout" "$backup" VERIFIED)
  [[ -n $verified_cell && $verified_cell != *[Ff][Aa][Ii][Ll]* ]] || fail "list $output: $backup shown as [$verified_cell]"
  for set in "$safety" "$seed" "$dev"; do
    [ "$(table_cell "$WORK/stdout" "$set" VERIFIED)" != "$verified_cell" ] ||
      fail "list $output: the unverified $set shows [$verified_cell] as the verified $backup does"
  done
done

# Health: --max-age.
max_age() { # expected-exit environment duration [args...]
  local want=$1 environment=$2 duration=$3
  shift 3
  run_job list "$environment" --max-age "$duration" "$@"
  assert_eq "$want" "$(job_exit)" "exit code of list $environment --max-age $duration $*"
}
max_age 0 prod 1h
max_age 0 prod 26h
max_age 1 dev 1d
cat "$WORK/stdout" "$WORK/stderr" >"$WORK/said"
assert_contains "$WORK/said" "${dev: -17}"  # says which set is too old
max_age 1 dev 1d12h
max_age 0 dev 2d1h
max_age 0 dev 1w
run_job list --max-age 1d
assert_eq 2 "$(job_exit)" "exit code of --max-age without an environment"

# A directory with copies only, 40 days old: 1 month is exceeded, 6 weeks not.
old=$BACKUPS/old
mkdir -p "$old"
for file in $(jq -r '.artifacts[].file' "$BACKUPS/$backup.json") "$backup.json"; do cp -p "$BACKUPS/$file" "$old/"; done
forty_days=${PROJECT}_prod_$(timestamp_before "$t0" $((40 * 86400)))
copy_set_as "$backup" "$forty_days" "$old"
rm "$old"/*_"$t0".*
assert_eq "$forty_days" "$(set_names_of "$PROJECT" prod "$old")" "sets in the old directory"
d=/work/backups/django/old
max_age 1 prod 1d -d "$d"
max_age 1 prod 1m -d "$d"
max_age 0 prod 6w -d "$d"
max_age 0 prod 1y -d "$d"
# Newer sets that are not good backups do not count: a safety backup and a set failed by verify.
copy_set_as "$forty_days" "${PROJECT}_prod_pre-restore_$(timestamp_before "$t0" 3600)" "$old"
failed=${PROJECT}_prod_$(timestamp_before "$t0" 7200)
copy_set_as "$forty_days" "$failed" "$old"
rm "$old/${PROJECT}_prod_media_${failed: -17}.tgz"
run_job verify prod "$failed" -d "$d"
assert_eq 1 "$(job_exit)" "exit code of verify of the set without its media"
max_age 1 prod 1d -d "$d"
# A fresh seed-made dump counts.
seed_style_backup prod "$(timestamp_before "$t0" 10800)" "" "$old"
max_age 0 prod 1d -d "$d"

mkdir -p "$BACKUPS/empty"
max_age 1 prod 1d -d /work/backups/django/empty
run_job list prod -d /work/backups/django/empty -o json
assert_eq 0 "$(job_exit)" "exit code of list of an empty directory"
assert_eq 0 "$(jq '.items | length' "$WORK/stdout")" "sets in an empty directory"
echo "PASS $TEST_NAME"
