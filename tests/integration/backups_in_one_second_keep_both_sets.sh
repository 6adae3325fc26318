# No backup set is ever replaced. Two backups of prod into one directory, started together at the
# start of a second: one waits on the directory's lock while the other runs, and a small
# database's backup ends well within that second, so both plan their names in it. Both report
# Succeeded, so both sets must be on disk afterwards: the two status files list distinct files,
# each present with the size and sha256 its status gives, and the directory holds two dumps and
# two metadata files. The pair runs in one container (two runner processes), so that they start
# within milliseconds; three rounds, each in a directory of its own.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/hostile_media.bash"
setup_project
start_app
seed_database

for round in 1 2 3; do
  dir=backups/django/round-$round
  JOB_RUN_OPTIONS=(--entrypoint bash)
  run_job -c '
    dir='"$dir"'
    mkdir -p "$dir"
    now=$(date +%N)
    sleep "0.$(printf %09d $((1000000000 - 10#$now)))"  # to the start of the next second
    hivekeeper backup prod --output "$dir" --status-file "$dir/status/first.json" &
    first=$!
    hivekeeper backup prod --output "$dir" --status-file "$dir/status/second.json" &
    second=$!
    wait "$first"; echo "first exited $?"
    wait "$second"; echo "second exited $?"'
  JOB_RUN_OPTIONS=()
  assert_eq 0 "$(job_exit)" "exit code of round $round's shell"
  assert_contains "$WORK/stdout" "first exited 0"
  assert_contains "$WORK/stdout" "second exited 0"
  # The waiter names the holder once the holder has written its description into the lock file;
  # a waiter that comes between the holder's flock and that write says "another Hivekeeper job".
  grep -qE "waiting for (BackupJob backup-prod|another Hivekeeper job)" "$WORK/stderr" ||
    fail "neither backup of round $round waited for the other: $(cat "$WORK/stderr")"
  out=$WORK/$dir
  for job in first second; do
    assert_eq Succeeded "$(status_field "$out/status/$job.json" .status.phase)" "phase of round $round's $job backup"
  done
  first_files=$(jq -r '.status.artifacts[].path' "$out/status/first.json" | xargs -n1 basename | sort)
  second_files=$(jq -r '.status.artifacts[].path' "$out/status/second.json" | xargs -n1 basename | sort)
  echo "round $round: first wrote $(echo $first_files), second wrote $(echo $second_files)"
  shared=$(comm -12 <(echo "$first_files") <(echo "$second_files"))
  [ -z "$shared" ] || fail "round $round: both Succeeded backups list the same files, so the second replaced the first: $(echo $shared)"
  check_listed_artifacts "$out/status/first.json" "$out" >/dev/null
  check_listed_artifacts "$out/status/second.json" "$out" >/dev/null
  assert_eq 2 "$(find "$out" -maxdepth 1 -name '*.sql.gz' | wc -l)" "dumps in round $round's directory"
  assert_eq 2 "$(find "$out" -maxdepth 1 -name '*.json' | wc -l)" "metadata files in round $round's directory"
done
echo "PASS $TEST_NAME"
