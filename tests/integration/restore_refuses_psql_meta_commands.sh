# A dump is untrusted input: a psql meta-command in it (other than pg_dump's own \restrict and
# \unrestrict) refuses the restore before anything is sent to the server, with the reason the
# runner gives \connect (DumpNotRestorable) and the dump's line number, and never runs: no file
# that \!, \o |cmd, \copy ... TO or \g |cmd would make appears in the database container.
# Each hostile dump first calls nextval() on the app's sequence (which no rollback undoes), then,
# after the first table's data, creates a canary table and only then holds the meta-command:
# the database must be as it was, canary absent and the sequence unadvanced. Issue 11: \! and
# \o |cmd ran shell commands in the database container before the restore was refused; only
# \connect is refused today. The dumps leave out pg_dump's \restrict lines, as an older pg_dump
# or an edited file does (under \restrict psql itself refuses other meta-commands). Last, a dump
# of what pg_dump writes that looks like meta-commands (COPY rows starting with \N or holding
# "\! ...") restores.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/hostile_dump.bash"
setup_project
start_app
seed_database
# A table whose COPY rows begin with \N and hold backslashes, for the last step.
psql_app -c "CREATE TABLE beefont_note (body text, n int)" \
  -c "INSERT INTO beefont_note VALUES (NULL, 1), (E'\\\\! touch /tmp/from-copy-data', 2), (E'\\\\o |touch /tmp/from-copy-data', 3), (E'two\\nlines \\\\gexec', 4)" >/dev/null
original_db=$(database_fingerprint)
run_job backup prod
assert_eq 0 "$(job_exit)" "exit code of the backup"
dump=$(find "$BACKUPS" -maxdepth 1 -name '*_prod_db_app_*.sql.gz' -printf '%f\n')
[ "$(dump_line_of "$dump" "SELECT pg_catalog.set_config('search_path', '', false);")" -gt 0 ] || fail "no search_path line in the dump"
# Changes after the backup, so a restore that went through would show.
psql_app -c "UPDATE auth_user SET username = username || '-after'" >/dev/null
before_db=$(database_fingerprint)
status=$(restore_status)

hostile() { # meta-command line: the filter that makes a hostile dump of a backup's SQL
  without_restrict |
    insert_after_line "SELECT pg_catalog.set_config('search_path', '', false);" 1 "SELECT nextval('public.invoice_number_seq');" |
    insert_after_line '\.' 1 "CREATE TABLE public.canary (x int);
$1"
}

n=0
expect_refused() { # meta-command-line [file it would create in the database container]
  n=$((n + 1))
  local file=meta${n}_prod_db_app_2026-01-01_000000.sql.gz line
  edit_dump "$dump" "$file" hostile "$1"
  line=$(dump_line_of "$file" "$1")
  [ "$line" -gt 0 ] || fail "the meta-command [$1] is not in the dump"
  run_restore_within 60 restore prod "$file" --no-safety-backup
  if [ -n "${2:-}" ]; then
    ! db_path_exists "$2" || fail "[$1] ran: $2 exists in the database container"
  fi
  [ "$(job_exit)" != 124 ] || fail "[$1]: the restore was still running after 60 s"
  assert_eq 1 "$(job_exit)" "exit code for [$1]"
  assert_eq Failed "$(status_field "$status" .status.phase)" "phase for [$1]"
  assert_eq DumpNotRestorable "$(failed_reason "$status")" "reason for [$1]"
  assert_names_line "$line" "$status"
  assert_eq "" "$(psql_app -c "SELECT to_regclass('public.canary')")" "canary table after [$1]"
  assert_eq "$before_db" "$(database_fingerprint)" "database (sequence included) after [$1]"
}

expect_refused '\! touch /tmp/pwned' /tmp/pwned
expect_refused '\o |touch /tmp/pwned2' /tmp/pwned2
expect_refused "\\copy (SELECT 'pwned') TO '/tmp/pwned3'" /tmp/pwned3
expect_refused '   \! touch /tmp/pwned4' /tmp/pwned4
expect_refused 'SELECT 1 \g |touch /tmp/pwned5' /tmp/pwned5
expect_refused "SELECT 'CREATE TABLE public.gexec_ran (x int)' \\gexec"
expect_refused '\i /etc/passwd'
expect_refused '\set ON_ERROR_STOP off'

# What pg_dump writes restores: its \restrict lines, COPY rows beginning with \N or holding text
# such as "\! touch", and nothing of that runs.
run_restore_within 60 restore prod "$dump" --no-safety-backup
assert_eq 0 "$(job_exit)" "exit code restoring the unedited backup"
assert_eq "$original_db" "$(database_fingerprint)" "database after restoring the unedited backup"
! db_path_exists /tmp/from-copy-data || fail "a COPY row ran as a meta-command"
echo "PASS $TEST_NAME"
