# `verify` reads every set to its end and trusts nothing. A real backup set passes (exit 0, a
# Passed record, `list` shows it). Copies of it, each damaged one way, fail with exit 1 and a
# problem naming the damaged file: a byte flipped in the middle of the dump (sha256), the dump
# cut in half, the dump recompressed without pg_dump's closing line and its metadata updated to
# match (only the trailer check can tell), the media archive cut short with its metadata updated
# to match (only reading the tar to its end can tell), the media file deleted, metadata whose
# timestamp is not its name's. Each gets a Failed record that `list` shows. A seed-made set (no
# metadata) passes on its streams alone, and fails when its dump is cut (the gzip stream, or the
# SQL before pg_dump's closing line). `verify prod all`
# reports every set; an unknown set is a usage error (exit 2).
source "$(dirname "$0")/lib.sh"
setup_project
start_app_with_a_backup
good=$(set_names_of "$PROJECT" prod)
[ -n "$good" ] && [ "$(echo "$good" | wc -l)" == 1 ] || fail "expected one backup set, found [$good]"
t0=${good: -17}

verdicts() { grep -E '^(PASSED|FAILED) ' "$WORK/stdout" | sort || true; }
record_field() { jq -r "$2" "$BACKUPS/verified/$1.json"; }
recent() { # RFC 3339 time: within the last ten minutes
  python3 -c 'import datetime as d, sys
t = d.datetime.fromisoformat(sys.argv[1].replace("Z", "+00:00"))
sys.exit(0 if t.tzinfo and abs((d.datetime.now(d.timezone.utc) - t).total_seconds()) < 600 else 1)' "$1"
}

run_job verify prod
assert_eq 0 "$(job_exit)" "exit code of verify prod (latest)"
assert_eq "PASSED $good" "$(verdicts)" "verify prod's lines"
assert_eq Verification "$(record_field "$good" .kind)" "kind of the record"
assert_eq "$good" "$(record_field "$good" .set)" "set of the record"
assert_eq Passed "$(record_field "$good" .result)" "result in the record"
assert_eq verify "$(record_field "$good" .by)" "by in the record"
assert_eq 0 "$(record_field "$good" '.problems | length')" "problems in the record"
recent "$(record_field "$good" .time)" || fail "the record's time is not now: $(record_field "$good" .time)"
assert_eq Succeeded "$(status_field "$BACKUPS/status/verify-prod.json" .status.phase)" "phase of verify prod"

# Damaged copies, one hour apart below the good set, each with what must name it.
metadata_matches() { # set file: the set's metadata gets the file's true bytes and sha256
  local bytes sha
  bytes=$(stat -c %s "$BACKUPS/$2") sha=$(sha256sum "$BACKUPS/$2" | cut -c1-64)
  jq --arg file "$2" --argjson bytes "$bytes" --arg sha "$sha" \
    '(.artifacts[] | select(.file == $file)) |= (.bytes = $bytes | .sha256 = $sha)' "$BACKUPS/$1.json" >"$WORK/m.json"
  cat "$WORK/m.json" >"$BACKUPS/$1.json"
}
declare -A named  # set -> the file its problem must name
n=0
damaged() { # description: makes the next copy; sets $set, $dump and $media
  n=$((n + 1))
  set=${PROJECT}_prod_$(timestamp_before "$t0" $((n * 3600)))
  copy_set_as "$good" "$set"
  dump=${PROJECT}_prod_db_app_${set: -17}.sql.gz media=${PROJECT}_prod_media_${set: -17}.tgz
  echo "damage $n: $1 ($set)"
}
damaged "a byte flipped in the middle of the dump"
flipped=$set
python3 - "$BACKUPS/$dump" <<'PY'
import sys
with open(sys.argv[1], "r+b") as f:
    f.seek(0, 2); middle = f.tell() // 2; f.seek(middle); byte = f.read(1)
    f.seek(middle); f.write(bytes([byte[0] ^ 0x10]))
PY
named[$set]=$dump

damaged "the dump cut in half"
head -c $(($(stat -c %s "$BACKUPS/$dump") / 2)) "$BACKUPS/$dump" >"$WORK/cut" && cat "$WORK/cut" >"$BACKUPS/$dump"
named[$set]=$dump
cut_dump=$set

damaged "the dump without pg_dump's closing line, metadata to match"
gunzip -c "$BACKUPS/$dump" | grep -v -- '-- PostgreSQL database dump complete' | gzip >"$WORK/no-trailer.gz"
cat "$WORK/no-trailer.gz" >"$BACKUPS/$dump"
metadata_matches "$set" "$dump"
gzip -t "$BACKUPS/$dump" || fail "the recompressed dump is not whole gzip"
gunzip -c "$BACKUPS/$dump" >"$WORK/no-trailer.sql"
grep -q 'COPY public.auth_user' "$WORK/no-trailer.sql" || fail "the recompressed dump lost its data"
! grep -q 'dump complete' "$WORK/no-trailer.sql" || fail "the recompressed dump still has its closing line"
named[$set]=$dump
no_trailer=$set

damaged "the media archive cut short, metadata to match"
head -c $(($(stat -c %s "$BACKUPS/$media") * 2 / 3)) "$BACKUPS/$media" >"$WORK/cut" && cat "$WORK/cut" >"$BACKUPS/$media"
metadata_matches "$set" "$media"
named[$set]=$media

damaged "the media file deleted"
rm "$BACKUPS/$media"
named[$set]=$media

damaged "metadata whose timestamp is another set's"
jq --arg ts "$t0" '.timestamp = $ts' "$BACKUPS/$set.json" >"$WORK/m.json" && cat "$WORK/m.json" >"$BACKUPS/$set.json"
named[$set]=timestamp

# Each is selected by its set name, except the cut dump (by timestamp) and the one without a
# trailer (by its dump's file name).
for set in "${!named[@]}"; do
  selector=$set
  [ "$set" != "$cut_dump" ] || selector=${set: -17}
  [ "$set" != "$no_trailer" ] || selector=${PROJECT}_prod_db_app_${set: -17}.sql.gz
  run_job verify prod "$selector"
  assert_eq 1 "$(job_exit)" "exit code of verify prod $selector"
  line=$(verdicts)
  case $line in
    "FAILED $set: "*"${named[$set]}"*) ;;
    *) fail "verify prod $selector: expected [FAILED $set: ...${named[$set]}...], got [$line]" ;;
  esac
  [ "$(echo "$line" | wc -l)" == 1 ] || fail "verify prod $selector printed more than one set: $line"
  assert_eq Failed "$(record_field "$set" .result)" "result in $set's record"
  record_field "$set" '.problems[]' | grep -qF -- "${named[$set]}" ||
    fail "$set's record names no problem with ${named[$set]}: $(record_field "$set" .problems)"
done
assert_eq Failed "$(status_field "$BACKUPS/status/verify-prod.json" .status.phase)" "phase of a failed verify"

# Seed-made sets: streams only.
seed=${PROJECT}_prod_$(timestamp_before "$t0" 86400)
seed_style_backup prod "${seed: -17}" media
run_job verify prod "$seed"
assert_eq 0 "$(job_exit)" "exit code of verify of the seed-made set"
assert_eq "PASSED $seed" "$(verdicts)" "verify of the seed-made set"
cut_seed=${PROJECT}_prod_$(timestamp_before "$t0" 172800)
seed_style_backup prod "${cut_seed: -17}"
dump=$BACKUPS/${PROJECT}_prod_db_app_${cut_seed: -17}.sql.gz
head -c $(($(stat -c %s "$dump") - 20)) "$dump" >"$WORK/cut" && cat "$WORK/cut" >"$dump"
run_job verify prod "$cut_seed"
assert_eq 1 "$(job_exit)" "exit code of verify of the cut seed-made set"
case $(verdicts) in "FAILED $cut_seed: "*"$(basename "$dump")"*) ;; *) fail "verify of the cut seed-made set: $(verdicts)" ;; esac
# Whole gzip, but the SQL stops half-way (the seed's `pg_dump | gzip` with pg_dump killed).
short_seed=${PROJECT}_prod_$(timestamp_before "$t0" 259200)
dump=$BACKUPS/${PROJECT}_prod_db_app_${short_seed: -17}.sql.gz
compose exec -T db pg_dump -U app app >"$WORK/seed.sql"
head -n $(($(wc -l <"$WORK/seed.sql") / 2)) "$WORK/seed.sql" | gzip >"$dump"
run_job verify prod "$short_seed"
assert_eq 1 "$(job_exit)" "exit code of verify of the seed-made dump without its closing line"
case $(verdicts) in "FAILED $short_seed: "*"$(basename "$dump")"*) ;; *) fail "verify of the seed-made dump without its closing line: $(verdicts)" ;; esac

# All of them at once; then list shows each verdict.
expected=$( {
  printf 'PASSED %s\n' "$good" "$seed"
  printf 'FAILED %s\n' "${!named[@]}" "$cut_seed" "$short_seed"
} | sort)
run_job verify prod all
assert_eq 1 "$(job_exit)" "exit code of verify prod all"
assert_eq "$expected" "$(verdicts | sed 's/:.*//')" "verify prod all's lines"
run_job verify all
assert_eq 1 "$(job_exit)" "exit code of verify all"
assert_eq "$expected" "$(verdicts | sed 's/:.*//')" "verify all's lines"
assert_eq Failed "$(status_field "$BACKUPS/status/verify-all.json" .status.phase)" "phase in status/verify-all.json"

run_job list prod -o json
assert_eq 0 "$(job_exit)" "exit code of list"
assert_eq "$(echo "$expected" | sed 's/^PASSED /Passed /; s/^FAILED /Failed /' | awk '{print $2, $1}' | sort)" \
  "$(jq -r '.items[] | "\(.name) \(.verified.result) \(.verified.by)"' "$WORK/stdout" | sed 's/ verify$//' | sort)" \
  "verdicts and their author in list"
run_job list prod
assert_eq 0 "$(job_exit)" "exit code of list as a table"
# The table's words for a verdict are its own; failed must read as failed, passed must not.
[[ $(table_cell "$WORK/stdout" "$flipped" VERIFIED) == *[Ff][Aa][Ii][Ll]* ]] ||
  fail "the table does not show $flipped as failed: $(cat "$WORK/stdout")"
case $(table_cell "$WORK/stdout" "$good" VERIFIED) in
  "" | - | no | *[Ff][Aa][Ii][Ll]*) fail "the table does not show $good as passed: $(cat "$WORK/stdout")" ;;
esac

# Usage errors.
run_job verify prod "${PROJECT}_prod_2001-01-01_000000"
assert_eq 2 "$(job_exit)" "exit code of verify of a set that does not exist"
run_job verify prod
assert_eq 0 "$(job_exit)" "exit code of verify latest, still the good set"
assert_eq "PASSED $good" "$(verdicts)" "verify latest among damaged older sets"
echo "PASS $TEST_NAME"
