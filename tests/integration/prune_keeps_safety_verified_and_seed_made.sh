# What `prune` must not delete, whatever the policy. Sets of prod: one real backup (newest) and
# five copies a day apart; one real safety backup (taken by `restore prod --reset`) and four
# older copies; a seed-made set (the seed's `pg_dump | gzip` and `tar czf`, no metadata). Two
# copies passed `verify`, a newer one failed it. Alongside: notes.txt, a partial file, another
# prefix's sets and a dev set. Under --keep-last 1 (--prefix the project) a prune keeps the newest
# backup, the newest set that PASSED verify (and deletes the older verified one with its record,
# and the newer failed one), the three newest safety backups (default keepSafety) and the
# seed-made set; --keep-safety 1 then keeps one safety backup, and --include-seed-made lets the
# seed-made set follow the rules. Nothing else in the directory changes. A policy with no rule
# for backups exits 2 and deletes nothing; a dry run deletes nothing.
source "$(dirname "$0")/lib.sh"
setup_project
start_app_with_a_backup
b0=$(set_names_of "$PROJECT" prod)
[ "$(echo "$b0" | wc -l)" == 1 ] && [ -n "$b0" ] || fail "expected one backup set, found [$b0]"
t0=${b0: -17}
run_restore restore prod --reset
assert_eq 0 "$(job_exit)" "exit code of the restore that takes the safety backup"
s0=$(set_names_of "$PROJECT" prod_pre-restore)
[ "$(echo "$s0" | wc -l)" == 1 ] && [ -n "$s0" ] || fail "expected one safety backup set, found [$s0]"

day=86400
for n in 1 2 3 4 5; do # b1..b5 and s1..s4: copies made n days before the real backup
  printf -v "b$n" '%s' "${PROJECT}_prod_$(timestamp_before "$t0" $((n * day)))"
  name=b$n && copy_set_as "$b0" "${!name}"
  [ "$n" == 5 ] && continue
  printf -v "s$n" '%s' "${PROJECT}_prod_pre-restore_$(timestamp_before "$t0" $((n * day)))"
  name=s$n && copy_set_as "$s0" "${!name}"
done
seed_ts=$(timestamp_before "$t0" $((10 * day)))
seed_style_backup prod "$seed_ts" media
seed=${PROJECT}_prod_$seed_ts
# Not ours to delete: another prefix's sets (one with metadata, one seed-style), a dev set, a
# note, a partial file of a backup under way.
copy_set_as "$b0" "otherprefix_prod_$(timestamp_before "$t0" $((20 * day)))"
echo garbage | gzip >"$BACKUPS/otherprefix_prod_db_app_$(timestamp_before "$t0" $((21 * day))).sql.gz"
copy_set_as "$b0" "${PROJECT}_dev_$(timestamp_before "$t0" $((30 * day)))"
echo "keep me" >"$BACKUPS/notes.txt"
echo partial >"$BACKUPS/.${PROJECT}_prod_db_app_$(timestamp_before "$t0" $((40 * day))).sql.gz.partial-x1y2"

# b3 and b2 pass verify; b1, newer, is cut short and fails it.
for set in "$b3" "$b2"; do
  run_job verify prod "$set"
  assert_eq 0 "$(job_exit)" "exit code of verify $set"
  assert_contains "$WORK/stdout" "PASSED $set"
done
b1_dump=$BACKUPS/${PROJECT}_prod_db_app_${b1: -17}.sql.gz
head -c $(($(stat -c %s "$b1_dump") / 2)) "$b1_dump" >"$WORK/cut" && cat "$WORK/cut" >"$b1_dump"
run_job verify prod "$b1"
assert_eq 1 "$(job_exit)" "exit code of verify of the cut $b1"
assert_contains "$WORK/stdout" "FAILED $b1"
for set in "$b3" "$b2" "$b1"; do [ -f "$BACKUPS/verified/$set.json" ] || fail "no verified/$set.json"; done

files() { find "$BACKUPS" -type f -not -path "$BACKUPS/status/*" -printf '%P\n' | sort; }
set_files() { # set names...: their files, as the directory holds them now (metadata, dump, media, record)
  local name stem ts
  for name in "$@"; do
    ts=${name: -17} stem=${name%_"${name: -17}"}
    files | grep -E "^(verified/)?(${name}\.json|${stem}_db_[^/]*_${ts}\.sql\.gz|${stem}_media_${ts}\.tgz)$" || true
  done | sort
}
without() { comm -23 <(echo "$1") <(echo "$2" | sed '/^$/d'); } # lines of $1 not in $2 (both sorted)
initial=$(files)
echo "the directory holds $(echo "$initial" | wc -l) files"

# A policy with no keep rule for backups is refused, and deletes nothing.
for policy in "" "--keep-safety 3"; do
  run_job prune prod --prefix "$PROJECT" $policy
  assert_eq 2 "$(job_exit)" "exit code of prune with the policy [$policy]"
  assert_eq "$initial" "$(files)" "files after prune with the policy [$policy]"
done

# The dry run: every set of prod with its action and the reason each protected set is kept.
run_job prune prod --keep-last 1 --prefix "$PROJECT" --dry-run -o json
assert_eq 0 "$(job_exit)" "exit code of the dry run"
cp "$WORK/stdout" "$WORK/plan.json"
assert_eq "$initial" "$(files)" "files after the dry run"
assert_eq PrunePlan "$(jq -r .kind "$WORK/plan.json")" "kind of the dry run's output"
action_of() { jq -r --arg name "$2" '[.items[] | select(.name == $name) | .action] | join(",")' "$1"; }
reasons_of() { jq -r --arg name "$2" '[.items[] | select(.name == $name) | .reasons[]] | join(";")' "$1"; }
expect_action() { # output set action reason-start
  assert_eq "$3" "$(action_of "$1" "$2")" "action for $2"
  [ -z "${4:-}" ] || reasons_of "$1" "$2" | tr ';' '\n' | grep -q "^$4" ||
    fail "$2: no reason starting with [$4], got [$(reasons_of "$1" "$2")]"
}
expect_action "$WORK/plan.json" "$b0" keep last
expect_action "$WORK/plan.json" "$b1" delete
expect_action "$WORK/plan.json" "$b2" keep "newest verified"
for set in "$b3" "$b4" "$b5" "$s3" "$s4"; do expect_action "$WORK/plan.json" "$set" delete; done
for set in "$s0" "$s1" "$s2"; do expect_action "$WORK/plan.json" "$set" keep safety; done
expect_action "$WORK/plan.json" "$seed" keep seed-made
assert_eq "" "$(jq -r '.items[] | select(.action == "delete") | .name' "$WORK/plan.json" | grep -v "^${PROJECT}_prod_" || true)" \
  "sets of other prefixes or environments the dry run would delete"
run_job prune prod --keep-last 1 --prefix "$PROJECT" --dry-run
assert_eq 0 "$(job_exit)" "exit code of the dry run as text"
for set in "$b0" "$b1" "$b2" "$b3" "$b4" "$b5" "$s0" "$s1" "$s2" "$s3" "$s4" "$seed"; do
  assert_contains "$WORK/stdout" "$set"
done
assert_eq "$initial" "$(files)" "files after the dry run as text"

# For real: the deleted sets go whole, verify records included; everything else stays.
deleted=$(set_files "$b1" "$b3" "$b4" "$b5" "$s3" "$s4")
assert_eq 18 "$(echo "$deleted" | wc -l)" "files of the sets to delete (4 x 3, 2 records, 2 x 2 safety files; got: $deleted)"
run_job prune prod --keep-last 1 --prefix "$PROJECT"
assert_eq 0 "$(job_exit)" "exit code of prune --keep-last 1"
assert_eq "$(without "$initial" "$deleted")" "$(files)" "files after prune --keep-last 1"
[ -f "$BACKUPS/verified/$b2.json" ] || fail "the newest verified set's record is gone"

# --keep-safety 1: the two older safety backups go.
before=$(files)
deleted=$(set_files "$s1" "$s2")
run_job prune prod --keep-last 1 --keep-safety 1 --prefix "$PROJECT" -o json
assert_eq 0 "$(job_exit)" "exit code of prune --keep-safety 1"
assert_eq PruneResult "$(jq -r .kind "$WORK/stdout")" "kind of the prune's output"
expect_action "$WORK/stdout" "$s0" keep safety
assert_eq "$(without "$before" "$deleted")" "$(files)" "files after prune --keep-safety 1"

# --include-seed-made: the seed-made set follows keep-last 1 like a backup, and goes.
before=$(files)
deleted=$(set_files "$seed")
assert_eq 2 "$(echo "$deleted" | wc -l)" "files of the seed-made set"
run_job prune prod --keep-last 1 --keep-safety 1 --include-seed-made --prefix "$PROJECT"
assert_eq 0 "$(job_exit)" "exit code of prune --include-seed-made"
assert_eq "$(without "$before" "$deleted")" "$(files)" "files after prune --include-seed-made"
assert_eq "$(printf '%s\n' "$b0" "$b2" | sort)" "$(set_names_of "$PROJECT" prod)" "backup sets left"
assert_eq "keep me" "$(cat "$BACKUPS/notes.txt")" "notes.txt"
echo "PASS $TEST_NAME"
