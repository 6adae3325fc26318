# A prod backup restores into a dev environment whose database and user have other names
# (beelab_dev; role app does not exist there): a Hivekeeper backup through the command line's
# --project, and a seed-format dump (`pg_dump | gzip`, with ALTER ... OWNER TO app and a GRANT to
# a role only prod has) through a RestoreJob manifest with --reset. Every table equals prod's,
# every restored object is owned by the dev user, and the status counts the skipped ownership
# statements (none in Hivekeeper's own --no-owner --no-privileges dumps).
source "$(dirname "$0")/lib.sh"
DEV_PROJECT=$PROJECT-dev

compose_dev() {
  docker compose --project-name "$DEV_PROJECT" --project-directory "$WORK" \
    -f "$WORK/compose.yml" -f "$WORK/dev.yml" "$@"
}

psql_dev() { # SQL...: as beelab_dev in beelab_dev, tuples only
  compose_dev exec -T db psql -X -q -v ON_ERROR_STOP=1 -At -U beelab_dev beelab_dev "$@"
}

dev_fingerprint() { # the harness's fingerprint, run as the dev user in the dev database
  (
    psql_app() { psql_dev "$@"; }
    database_fingerprint
  )
}

# Objects in public not owned by the dev user ("" when all are), and how many are.
foreign_owned() {
  psql_dev -c "SELECT coalesce(string_agg(name || ' owned by ' || owner, ', ' ORDER BY name), '') FROM (
    SELECT c.relname AS name, pg_get_userbyid(c.relowner) AS owner FROM pg_class c
      WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'v', 'S', 'i')
    UNION ALL SELECT p.proname, pg_get_userbyid(p.proowner) FROM pg_proc p
      WHERE p.pronamespace = 'public'::regnamespace) o WHERE owner <> 'beelab_dev'"
}

eval "lib_$(declare -f cleanup)"
cleanup() {
  local status=$?
  [ "${HK_KEEP:-0}" == 1 ] || compose_dev down -v --remove-orphans --timeout 2 >/dev/null 2>&1 || true
  if [ "$status" -eq 0 ]; then lib_cleanup; else (exit "$status") || lib_cleanup; fi
}

setup_project
compose_dev down -v --remove-orphans --timeout 2 >/dev/null 2>&1 || true
cat >"$WORK/dev.yml" <<'YAML'
services:
  db:
    environment:
      POSTGRES_DB: beelab_dev
      POSTGRES_USER: beelab_dev
    healthcheck:
      test: ["CMD", "pg_isready", "-h", "127.0.0.1", "-U", "beelab_dev", "-d", "beelab_dev"]
YAML
compose_dev up -d --wait --quiet-pull db >/dev/null 2>&1 || { compose_dev up -d --wait db; fail "the dev database did not start"; }
start_app
seed_database
# Privileges for a role only prod has: a restore that kept GRANT lines would fail in dev.
psql_app -c "CREATE ROLE reporting" -c "GRANT SELECT ON auth_user, beefont_job_summary TO reporting" >/dev/null
assert_eq "" "$(psql_dev -c "SELECT rolname FROM pg_roles WHERE rolname IN ('app', 'reporting')")" "roles app and reporting absent in dev"
prod_db=$(database_fingerprint)

# 1. Hivekeeper's backup of prod, restored into the other project by the command line.
run_job backup prod
assert_eq 0 "$(job_exit)" "exit code of the backup"
dump=$(find "$BACKUPS" -maxdepth 1 -name "${PROJECT}_prod_db_app_*.sql.gz" -printf '%f\n')
[ -n "$dump" ] || fail "no backup written"
run_restore restore dev "$dump" --project "$DEV_PROJECT"
assert_eq 0 "$(job_exit)" "exit code of restoring the Hivekeeper backup into dev"
status=$BACKUPS/status/restore-dev.json
assert_eq Succeeded "$(status_field "$status" .status.phase)" "status phase (Hivekeeper backup)"
assert_eq beelab_dev "$(status_field "$status" .status.database.name)" "database restored into"
assert_eq "$DEV_PROJECT-db-1" "$(status_field "$status" .status.database.container)" "container restored into"
assert_eq 0 "$(status_field "$status" .status.database.ownershipStatementsSkipped)" "ownership statements in a --no-owner dump"
assert_eq "$prod_db" "$(dev_fingerprint)" "dev database after restoring the Hivekeeper backup"
assert_eq "" "$(foreign_owned)" "objects not owned by beelab_dev (Hivekeeper backup)"
case "$(basename "$(status_field "$status" .status.safetyBackup.database)")" in
  "${DEV_PROJECT}_dev_pre-restore_db_beelab_dev_"*.sql.gz) ;;
  *) fail "safety backup of dev: $(status_field "$status" .status.safetyBackup.database)" ;;
esac

# 2. The seed's dump of prod (owners and grants in it), restored by a manifest with --reset over
# a damaged dev database.
compose exec -T db pg_dump -U app app | gzip >"$BACKUPS/beelab_prod_db_app_2025-12-17_031500.sql.gz"
owner_lines=$(gunzip -c "$BACKUPS/beelab_prod_db_app_2025-12-17_031500.sql.gz" | grep -cE '^(ALTER .* OWNER TO app;|GRANT .* TO reporting;)$')
[ "$owner_lines" -gt 2 ] || fail "the seed dump holds no OWNER TO / GRANT lines ($owner_lines)"
psql_dev -c "DELETE FROM beefont_glyph" -c "UPDATE auth_user SET username = username || '-dev'" >/dev/null
cat >"$WORK/manifests/restore-seed.yaml" <<YAML
apiVersion: hivekeeper.io/v1
kind: RestoreJob
metadata:
  name: restore-seed-into-dev
spec:
  environment: dev
  target:
    project: $DEV_PROJECT
  source:
    database: beelab_prod_db_app_2025-12-17_031500.sql.gz
  reset: true
  safetyBackup: false
YAML
run_restore run -f /manifests/restore-seed.yaml
assert_eq 0 "$(job_exit)" "exit code of restoring the seed dump into dev"
status=$BACKUPS/status/restore-seed-into-dev.json
assert_eq Succeeded "$(status_field "$status" .status.phase)" "status phase (seed dump)"
skipped=$(status_field "$status" .status.database.ownershipStatementsSkipped)
[ "$skipped" -gt 0 ] || fail "ownershipStatementsSkipped: expected > 0, got [$skipped]"
assert_eq "$prod_db" "$(dev_fingerprint)" "dev database after restoring the seed dump"
assert_eq "" "$(foreign_owned)" "objects not owned by beelab_dev (seed dump)"
assert_eq 0 "$(psql_dev -c "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relacl IS NOT NULL")" "tables with grants in dev"
# Prod is untouched by either restore.
assert_eq "$prod_db" "$(database_fingerprint)" "prod database after the restores into dev"
echo "PASS $TEST_NAME"
