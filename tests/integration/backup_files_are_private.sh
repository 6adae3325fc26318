# A backup holds the whole database and every upload: its files are the owner's alone, whatever
# the umask. With the runner image's default umask, a backup with media writes its .sql.gz,
# .tgz and .json metadata 0600 and the status folder it creates 0700; a restore's safety backup
# too. Then a job started under `umask 000` into an output folder two levels deep that does not
# exist yet: the files are still 0600 and every folder it creates 0700.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/hostile_media.bash"
setup_project
start_app
seed_database
seed_media

run_job backup prod --media
assert_eq 0 "$(job_exit)" "exit code of the backup"
mapfile -t files < <(find "$BACKUPS" -maxdepth 1 -type f \( -name '*.sql.gz' -o -name '*.tgz' -o -name '*.json' \))
assert_eq 3 "${#files[@]}" "files of the backup set"
assert_private_files "${files[@]}"
assert_private_directories "$BACKUPS/status"

run_restore restore prod --media latest
assert_eq 0 "$(job_exit)" "exit code of the restore"
mapfile -t safety < <(find "$BACKUPS" -maxdepth 1 -type f -name '*_pre-restore_*')
assert_eq 3 "${#safety[@]}" "files of the safety backup"
assert_private_files "${safety[@]}"

# umask 000: the image has a shell, so the job runs under one that sets it first.
JOB_RUN_OPTIONS=(--entrypoint sh)
run_job -c 'umask 000 && exec hivekeeper backup prod --media --output backups/django/loose/nightly'
JOB_RUN_OPTIONS=()
assert_eq 0 "$(job_exit)" "exit code of the backup under umask 000"
mapfile -t loose < <(find "$BACKUPS/loose/nightly" -maxdepth 1 -type f \( -name '*.sql.gz' -o -name '*.tgz' -o -name '*.json' \))
assert_eq 3 "${#loose[@]}" "files of the backup under umask 000"
assert_private_files "${loose[@]}"
assert_private_directories "$BACKUPS/loose" "$BACKUPS/loose/nightly" "$BACKUPS/loose/nightly/status"
echo "PASS $TEST_NAME"
