# The Helm chart's workloads, run as a kubelet would run them but under Docker: the chart is
# rendered with a backup and a restore (media on, Argo CD hook on), and k8s_pod_to_docker.py turns
# the CronJob's and the restore Job's pods into `docker run` with their security context (uid
# 10001, read-only root, no capabilities, no-new-privileges), their volumes (local directories for
# the claims, the ConfigMap's manifest, the Secret's password file, a tmpfs /tmp) and the
# termination-log file. The backup pod writes the dump, media archive, metadata and status to
# the backups claim and its final status to the termination log; after the data and media are
# damaged, the restore pod brings both back. The password is in no output.
source "$(dirname "$0")/lib.sh"
setup_project
compose up -d --wait --quiet-pull db >/dev/null 2>&1 || { compose up -d --wait db; fail "the database did not start"; }
seed_database
original_db=$(database_fingerprint)

db_id=$(compose ps -q db)
db_host=$(docker inspect -f '{{.Name}}' "$db_id" | sed 's|^/||')
network=$(app_network)
runner_uid=10001
release=hk
backup_name=$release-hivekeeper-backup
restore_name=$release-hivekeeper-restore-t1
claims=$WORK/claims
mkdir -p "$claims/backups" "$claims/media" "$WORK/secrets/hivekeeper-postgres"
printf '%s\n' "$DIRECT_PASSWORD" >"$WORK/secrets/hivekeeper-postgres/password"

# The app's media, as its pod wrote them (the runner's uid owns them, as the chart's README asks).
bash -euc '
  cd "$1"
  mkdir -p "uploads/scans/2026" "glyphs/ä ö/deeper"
  printf "<svg>%s</svg>\n" "glyph one" > "glyphs/ä ö/glyph one.svg"
  printf "<svg>ü</svg>\n" > "glyphs/ä ö/deeper/ü.svg"
  : > uploads/empty.txt
  head -c 200000 /dev/urandom > uploads/scans/2026/scan.png
  for i in $(seq 1 40); do printf "<svg><path d=\"M%d 0 L 10 10\"/></svg>\n" "$i" > glyphs/g$i.svg; done
  echo secret-ish > uploads/private.txt; chmod 600 uploads/private.txt
  ln -s ../glyphs/g1.svg uploads/link.svg
  touch -h -d "2025-12-17 03:15:00" glyphs/g1.svg uploads/empty.txt uploads/link.svg' seed "$claims/media"
# PersistentVolumeClaims are writable by the pod's user (fsGroup does that in a cluster).
chown -R "$runner_uid:$runner_uid" "$claims"
original_media=$(media_fingerprint_of_dir "$claims/media")

tools=$(python3 "$HK_ROOT/scripts/fetch-k8s-tools" | tail -n 1) || fail "cannot fetch helm (scripts/fetch-k8s-tools)"
"$tools/helm" template "$release" "$HK_ROOT/charts/hivekeeper" \
  --set image.repository="${HIVEKEEPER_IMAGE%:*}" --set image.tag="${HIVEKEEPER_IMAGE##*:}" \
  --set environment=prod --set prefix="$PROJECT" \
  --set target.host="$db_host" --set target.database=app --set target.user=app --set target.sslmode=disable \
  --set target.passwordSecret.name=hivekeeper-postgres --set target.passwordSecret.key=password \
  --set media.enabled=true --set media.claimName=app-media --set backups.claimName=hivekeeper-backups \
  --set restore.enabled=true --set restore.id=t1 --set restore.media=latest --set restore.argocd.hook=true \
  >"$WORK/rendered.yaml" 2>"$WORK/stderr" || fail "helm template failed: $(cat "$WORK/stderr")"

run_pod() { # KIND/NAME: runs the workload's pod; stdout, stderr, exit and termination-log in $WORK
  local tag=${1##*/}
  python3 "$HK_ROOT/tests/integration/k8s_pod_to_docker.py" --print0 --rendered "$WORK/rendered.yaml" \
    --workload "$1" --image "$HIVEKEEPER_IMAGE" --stage "$WORK/stage/$tag" \
    --pvc hivekeeper-backups="$claims/backups" --pvc app-media="$claims/media" \
    --secret hivekeeper-postgres="$WORK/secrets/hivekeeper-postgres" \
    --termination-log "$WORK/termination-log" --network "$network" --name "$PROJECT-$tag" \
    --label "com.docker.compose.project=$PROJECT" >"$WORK/docker-run" || fail "cannot translate $1's pod"
  local command
  mapfile -d '' command <"$WORK/docker-run"
  echo "running $1: ${command[*]}" >&2
  set +e
  "${command[@]}" >"$WORK/stdout" 2>"$WORK/stderr"
  echo $? >"$WORK/exit"
  set -e
}

termination_phase() { # the phase in the termination log (the status document, or its status block)
  [ -s "$WORK/termination-log" ] || { echo "(empty)"; return; }
  jq -r '.status.phase // .phase // "(no phase)"' "$WORK/termination-log" 2>/dev/null || echo "(not JSON)"
}

check_outputs_hold_no_password() {
  assert_no_password "$WORK/rendered.yaml" "$WORK/docker-run" "$WORK/stdout" "$WORK/stderr" \
    "$WORK/termination-log" "$claims"/backups/status/*.json
}

check_termination_log() { # what
  local size
  size=$(stat -c %s "$WORK/termination-log")
  [ "$size" -le 4096 ] || fail "termination log of the $1 has $size bytes, Kubernetes keeps 4096"
  assert_eq Succeeded "$(termination_phase)" "phase in the $1's termination log"
  [ "$(wc -l <"$WORK/termination-log")" -le 1 ] || fail "the $1's termination log is not compact JSON"
}

# The CronJob's pod: a backup of the database and the media.
run_pod "CronJob/$backup_name"
assert_eq 0 "$(job_exit)" "exit code of the backup pod"
status=$claims/backups/status/$backup_name.json
assert_eq Succeeded "$(status_field "$status" .status.phase)" "phase in the backup's status file"
check_termination_log backup
dump=$(find "$claims/backups" -maxdepth 1 -name "${PROJECT}_prod_db_app_*.sql.gz")
media=$(find "$claims/backups" -maxdepth 1 -name "${PROJECT}_prod_media_*.tgz")
metadata=$(find "$claims/backups" -maxdepth 1 -name "${PROJECT}_prod_2*.json")
[ -n "$dump" ] && [ -n "$media" ] && [ -n "$metadata" ] ||
  fail "expected a dump, a media archive and metadata; the claim holds: $(ls "$claims/backups")"
gunzip -c "$dump" | tail -n 5 | grep -q 'PostgreSQL database dump complete' || fail "$(basename "$dump") has no trailer"
mkdir -p "$WORK/unpacked"
tar -xzf "$media" -C "$WORK/unpacked"
assert_eq "$original_media" "$(media_fingerprint_of_dir "$WORK/unpacked")" "media archive content"
check_outputs_hold_no_password

# Damage, then the restore Job's pod.
psql_app -c "UPDATE auth_user SET username = username || '-changed'" -c "DELETE FROM beefont_glyph WHERE id % 2 = 0" >/dev/null
echo changed >"$claims/media/glyphs/g2.svg"
rm "$claims/media/glyphs/g3.svg"
echo new >"$claims/media/uploads/added-later.txt"
chown -R "$runner_uid:$runner_uid" "$claims/media"
[ "$(database_fingerprint)" != "$original_db" ] || fail "the damage did not change the database"

run_pod "Job/$restore_name"
assert_eq 0 "$(job_exit)" "exit code of the restore pod"
assert_eq "$original_db" "$(database_fingerprint)" "database after the restore"
assert_eq "$original_media" "$(media_fingerprint_of_dir "$claims/media")" "media after the restore"
assert_eq Succeeded "$(status_field "$claims/backups/status/$restore_name.json" .status.phase)" "phase in the restore's status file"
check_termination_log restore
[ -n "$(find "$claims/backups" -maxdepth 1 -name "${PROJECT}_prod_pre-restore_db_app_*.sql.gz")" ] ||
  fail "no safety backup in $(ls "$claims/backups")"
check_outputs_hold_no_password
echo "PASS $TEST_NAME"
