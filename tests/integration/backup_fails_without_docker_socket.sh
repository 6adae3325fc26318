# Without the Docker socket, and with a socket it may not open, the job fails at once saying
# which and what to do.
source "$(dirname "$0")/lib.sh"
setup_project
start_app

JOB_RUN_OPTIONS=(-e DOCKER_HOST=unix:///run/no-such-docker.sock)
run_job backup prod
assert_eq 1 "$(job_exit)" "exit code with a missing socket"
assert_contains "$WORK/stderr" "the Docker socket /run/no-such-docker.sock does not exist"
assert_contains "$WORK/stderr" "hint: mount it into the container"
assert_eq DockerSocketMissing "$(status_field "$BACKUPS/status/backup-prod.json" '.status.conditions[] | select(.type=="Failed") | .reason')" "Failed reason"
assert_no_backup_left

# An unprivileged user cannot open the root-owned socket (mode 0660).
JOB_RUN_OPTIONS=(--user 4242:4242)
run_job backup prod --output /tmp/out
assert_eq 1 "$(job_exit)" "exit code with a forbidden socket"
assert_contains "$WORK/stderr" "permission denied on the Docker socket /var/run/docker.sock"
assert_contains "$WORK/stderr" "hint: run Hivekeeper as root or as a member of the socket's group"
echo "PASS $TEST_NAME"
