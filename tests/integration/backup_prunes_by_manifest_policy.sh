# A BackupJob with spec.retention prunes after it succeeded. With keepLast 2, four runs a second
# apart leave the last two sets whole, and each run's status lists in pruned exactly the set it
# deleted (none for the first two). A run that fails (the database stopped) prunes nothing, even
# with older sets the policy would delete; the next successful run deletes them. The set just made
# is never pruned, even when a newer-named set (a clock set back) takes keepLast 1's place. A
# retention with no rule for backups is refused with exit 2 before anything is written.
source "$(dirname "$0")/lib.sh"
setup_project
start_app
seed_database
seed_media

write_manifest() { # file name retention-yaml
  cat >"$WORK/manifests/$1" <<YAML
apiVersion: hivekeeper.io/v1
kind: BackupJob
metadata:
  name: $2
spec:
  environment: prod
  media:
    enabled: true
  retention: $3
YAML
}
write_manifest keep-two.yaml nightly-retained '{keepLast: 2}'
status=$BACKUPS/status/nightly-retained.json
files() { find "$BACKUPS" -type f -not -path "$BACKUPS/status/*" -printf '%P\n' | sort; }
set_files() { # set names...: the three files each backup set of prod has
  local name
  for name in "$@"; do
    printf '%s\n' "$name.json" "${PROJECT}_prod_db_app_${name: -17}.sql.gz" "${PROJECT}_prod_media_${name: -17}.tgz"
  done | sort
}
made_set() { # the set the last run wrote, from its status's metadata artifact
  jq -r '.status.artifacts[] | select(.kind == "metadata") | .path' "$1" | xargs -r basename | sed 's/\.json$//'
}
pruned() { jq -r '(.status.pruned // .status.details.pruned // [])[]' "$1" | sort; }

runs=()
for run in 1 2 3 4; do
  [ "$run" == 1 ] || sleep 1
  run_job run -f /manifests/keep-two.yaml
  assert_eq 0 "$(job_exit)" "exit code of run $run"
  assert_eq Succeeded "$(status_field "$status" .status.phase)" "phase of run $run"
  runs+=("$(made_set "$status")")
  [ -n "${runs[-1]}" ] || fail "run $run's status names no metadata artifact"
  case $run in
    1 | 2) expected_pruned="" expected_sets=$(printf '%s\n' "${runs[@]}") ;;
    *) expected_pruned=${runs[run - 3]} expected_sets=$(printf '%s\n' "${runs[@]: -2}") ;;
  esac
  assert_eq "$expected_pruned" "$(pruned "$status")" "sets run $run's status lists as pruned"
  assert_eq "$(echo "$expected_sets" | sort)" "$(set_names_of "$PROJECT" prod)" "sets after run $run"
done
assert_eq "$(set_files "${runs[2]}" "${runs[3]}")" "$(files)" "files after four runs: the last two sets, whole"
[ "$(printf '%s\n' "${runs[@]}" | sort -u | wc -l)" == 4 ] || fail "the four runs did not make four sets: ${runs[*]}"

# Two older sets keepLast 2 would delete; a failed backup must not touch them.
t4=${runs[3]: -17}
older=("${PROJECT}_prod_$(timestamp_before "$t4" 86400)" "${PROJECT}_prod_$(timestamp_before "$t4" 172800)")
for set in "${older[@]}"; do copy_set_as "${runs[3]}" "$set"; done
before=$(files)
compose stop db >/dev/null 2>&1
run_job run -f /manifests/keep-two.yaml
assert_eq 1 "$(job_exit)" "exit code of the run with the database stopped"
assert_eq Failed "$(status_field "$status" .status.phase)" "phase of the failed run"
assert_eq "" "$(pruned "$status")" "sets the failed run lists as pruned"
assert_eq "$before" "$(files)" "files after the failed run"

compose up -d --wait db >/dev/null 2>&1
sleep 1
run_job run -f /manifests/keep-two.yaml
assert_eq 0 "$(job_exit)" "exit code of the run after the database is back"
fifth=$(made_set "$status")
assert_eq "$(printf '%s\n' "${runs[2]}" "${older[@]}" | sort)" "$(pruned "$status")" "sets the fifth run lists as pruned"
assert_eq "$(set_files "${runs[3]}" "$fifth")" "$(files)" "files after the fifth run"

# A set named a day ahead (a clock that was wrong) holds keepLast 1's place: the set just made
# stays all the same, the older ones go.
future=${PROJECT}_prod_$(timestamp_before "${fifth: -17}" -86400)
copy_set_as "$fifth" "$future"
write_manifest keep-one.yaml nightly-keep-one '{keepLast: 1}'
sleep 1
run_job run -f /manifests/keep-one.yaml
assert_eq 0 "$(job_exit)" "exit code of the keepLast 1 run"
sixth=$(made_set "$BACKUPS/status/nightly-keep-one.json")
assert_eq "$(printf '%s\n' "${runs[3]}" "$fifth" | sort)" "$(pruned "$BACKUPS/status/nightly-keep-one.json")" "sets the keepLast 1 run lists as pruned"
assert_eq "$(set_files "$future" "$sixth")" "$(files)" "files after the keepLast 1 run: the newer-named set and the one just made"

# No rule for backups: refused before the backup runs.
write_manifest no-rule.yaml nightly-no-rule '{keepSafety: 3, timezone: Europe/Berlin}'
before=$(files)
run_job run -f /manifests/no-rule.yaml
assert_eq 2 "$(job_exit)" "exit code of a retention without a rule for backups"
assert_eq "$before" "$(files)" "files after the refused manifest"
echo "PASS $TEST_NAME"
