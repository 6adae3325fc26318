# A media volume that does not exist fails the job before anything is written.
source "$(dirname "$0")/lib.sh"
setup_project
start_app
cat > "$WORK/manifests/no-volume.yaml" <<'YAML'
apiVersion: hivekeeper.io/v1
kind: BackupJob
metadata:
  name: no-volume
spec:
  environment: prod
  media:
    enabled: true
    volume: uploads
YAML

run_job run -f /manifests/no-volume.yaml
assert_eq 1 "$(job_exit)" "exit code"
assert_contains "$WORK/stderr" "media volume uploads does not exist (neither in Compose project $PROJECT nor as a Docker volume)"
assert_contains "$WORK/stderr" "hint: \`docker volume ls\` lists the volumes; fix spec.media.volume"
assert_eq MediaVolumeNotFound "$(status_field "$BACKUPS/status/no-volume.json" '.status.conditions[] | select(.type=="Failed") | .reason')" "Failed reason"
assert_no_backup_left
echo "PASS $TEST_NAME"
