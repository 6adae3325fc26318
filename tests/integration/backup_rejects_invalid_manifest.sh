# An invalid manifest exits 2 listing every error with its field path and line, and touches
# nothing: no container is asked, no file written, not even a status.
source "$(dirname "$0")/lib.sh"
setup_project
cat > "$WORK/manifests/invalid.yaml" <<'YAML'
apiVersion: hivekeeper.io/v1
kind: BackupJob
metadata:
  name: Nightly_Prod
spec:
  environment: staging
  medai:
    enabled: true
  media:
    volume: 42
YAML

run_job run -f /manifests/invalid.yaml
assert_eq 2 "$(job_exit)" "exit code"
assert_contains "$WORK/stderr" "/manifests/invalid.yaml is not a valid BackupJob (4 errors):"
assert_contains "$WORK/stderr" 'metadata.name: "Nightly_Prod" does not match'
assert_contains "$WORK/stderr" 'spec.environment: must be one of dev, prod, got "staging" (line 6)'
assert_contains "$WORK/stderr" 'spec.medai: unknown field (did you mean "media"?) (line 7)'
assert_contains "$WORK/stderr" 'spec.media.volume: expected string, got number (line 10)'
[ -z "$(find "$BACKUPS" -mindepth 1)" ] || fail "files written for an invalid manifest: $(find "$BACKUPS" -mindepth 1)"

run_job backup staging
assert_eq 2 "$(job_exit)" "exit code of backup staging"
assert_contains "$WORK/stderr" "environment must be dev or prod, not staging"
echo "PASS $TEST_NAME"
