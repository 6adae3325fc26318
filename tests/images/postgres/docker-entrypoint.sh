#!/usr/bin/env bash
# Entrypoint of Hivekeeper's PostgreSQL test image. It mirrors what the official
# `postgres` image's docker-entrypoint.sh does for the interface users rely on:
#   POSTGRES_USER (default postgres), POSTGRES_PASSWORD / POSTGRES_PASSWORD_FILE,
#   POSTGRES_DB (default $POSTGRES_USER), POSTGRES_INITDB_ARGS, POSTGRES_INITDB_WALDIR,
#   POSTGRES_HOST_AUTH_METHOD, PGDATA, /docker-entrypoint-initdb.d/*.{sh,sql,sql.gz}.
# First start (empty PGDATA): initdb, pg_hba.conf, a temporary server on the Unix socket
# only for POSTGRES_DB and the init scripts, then the real server. Later starts: the server.
set -Eeo pipefail

# file_env VAR [DEFAULT]: VAR from $VAR or from the file named by $VAR_FILE (not both).
file_env() {
	local var="$1" fileVar="${1}_FILE" def="${2:-}"
	if [ "${!var:-}" ] && [ "${!fileVar:-}" ]; then
		printf >&2 'error: both %s and %s are set (but are exclusive)\n' "$var" "$fileVar"
		exit 1
	fi
	local val="$def"
	if [ "${!var:-}" ]; then
		val="${!var}"
	elif [ "${!fileVar:-}" ]; then
		val="$(< "${!fileVar}")"
	fi
	export "$var"="$val"
	unset "$fileVar"
}

# The server command line (first argument `postgres`, or options only) gets set up;
# anything else (bash, psql, pg_dump ...) runs as-is.
if [ "${1:0:1}" = '-' ]; then
	set -- postgres "$@"
fi
if [ "$1" != 'postgres' ]; then
	exec "$@"
fi

: "${PGDATA:=/var/lib/postgresql/data}"
export PGDATA

create_db_directories() {
	mkdir -p "$PGDATA"
	chmod 00700 "$PGDATA" || :
	mkdir -p /var/run/postgresql || :
	chmod 03775 /var/run/postgresql || :
	if [ -n "${POSTGRES_INITDB_WALDIR:-}" ]; then
		mkdir -p "$POSTGRES_INITDB_WALDIR"
		if [ "$(id -u)" = '0' ]; then
			find "$POSTGRES_INITDB_WALDIR" \! -user postgres -exec chown postgres:postgres '{}' +
		fi
		chmod 700 "$POSTGRES_INITDB_WALDIR"
	fi
	if [ "$(id -u)" = '0' ]; then
		find "$PGDATA" \! -user postgres -exec chown postgres:postgres '{}' +
		find /var/run/postgresql \! -user postgres -exec chown postgres:postgres '{}' +
	fi
}

# As root: fix up directories, then re-run this script as the postgres user
# (setpriv from util-linux stands in for the official image's gosu).
if [ "$(id -u)" = '0' ]; then
	create_db_directories
	export HOME=/var/lib/postgresql
	exec setpriv --reuid=postgres --regid=postgres --init-groups "${BASH_SOURCE[0]}" "$@"
fi

# From here on: the postgres user (or whatever --user the container was given).
create_db_directories

file_env 'POSTGRES_PASSWORD'
file_env 'POSTGRES_USER' 'postgres'
file_env 'POSTGRES_DB' "$POSTGRES_USER"
file_env 'POSTGRES_INITDB_ARGS'
: "${POSTGRES_HOST_AUTH_METHOD:=scram-sha-256}"

psql_cmd=(psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc)

verify_minimum_env() {
	if [ -z "$POSTGRES_PASSWORD" ] && [ 'trust' != "$POSTGRES_HOST_AUTH_METHOD" ]; then
		cat >&2 <<-'EOE'
			Error: Database is uninitialized and superuser password is not specified.
			       You must specify POSTGRES_PASSWORD to a non-empty value for the
			       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".

			       You may also use "POSTGRES_HOST_AUTH_METHOD=trust" to allow all
			       connections without a password. This is *not* recommended.

			       See PostgreSQL documentation about "trust":
			       https://www.postgresql.org/docs/current/auth-trust.html
		EOE
		exit 1
	fi
	if [ 'trust' = "$POSTGRES_HOST_AUTH_METHOD" ]; then
		cat >&2 <<-'EOWARN'
			********************************************************************************
			WARNING: POSTGRES_HOST_AUTH_METHOD has been set to "trust". This will allow
			         anyone with access to the Postgres port to access your database without
			         a password, even if POSTGRES_PASSWORD is set.
			********************************************************************************
		EOWARN
	fi
}

# shellcheck disable=SC2034  # initdb_locale is used in the eval
init_database_dir() {
	local initdb_locale=C
	if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then
		initdb_locale=C.UTF-8
	fi
	if [ -n "${POSTGRES_INITDB_WALDIR:-}" ]; then
		set -- --waldir "$POSTGRES_INITDB_WALDIR" "$@"
	fi
	# The password goes through a pipe (/dev/fd/N), never onto a command line.
	# eval, as in the official image, so POSTGRES_INITDB_ARGS may quote its values;
	# they come last, so they override the defaults (e.g. --locale).
	# shellcheck disable=SC2016  # expanded by the eval below
	local initdb_cmd='initdb --username="$POSTGRES_USER" --encoding=UTF8 --locale="$initdb_locale"'
	if [ -n "$POSTGRES_PASSWORD" ]; then
		# shellcheck disable=SC2016
		initdb_cmd+=' --pwfile=<(printf "%s\n" "$POSTGRES_PASSWORD")'
	fi
	eval "$initdb_cmd"' "$@" '"$POSTGRES_INITDB_ARGS"
}

write_pg_hba() {
	{
		printf '# Written by docker-entrypoint.sh (Hivekeeper test image)\n'
		printf '# TYPE  DATABASE     USER  ADDRESS       METHOD\n'
		printf 'local   all          all                 trust\n'
		printf 'host    all          all   127.0.0.1/32  trust\n'
		printf 'host    all          all   ::1/128       trust\n'
		printf 'local   replication  all                 trust\n'
		printf 'host    replication  all   127.0.0.1/32  trust\n'
		printf 'host    replication  all   ::1/128       trust\n'
		printf 'host    all          all   all           %s\n' "$POSTGRES_HOST_AUTH_METHOD"
	} > "$PGDATA/pg_hba.conf"
	if ! grep -qE "^[[:space:]]*listen_addresses[[:space:]]*=" "$PGDATA/postgresql.conf"; then
		printf "listen_addresses = '*'\n" >> "$PGDATA/postgresql.conf"
	fi
}

temp_server_start() {
	# Unix socket only, so nothing can connect from outside while init runs.
	PGUSER="$POSTGRES_USER" pg_ctl -D "$PGDATA" \
		-o "-c listen_addresses='' -p ${PGPORT:-5432}" -w start
}

temp_server_stop() {
	PGUSER="$POSTGRES_USER" pg_ctl -D "$PGDATA" -m fast -w stop
}

setup_db() {
	if [ "$POSTGRES_DB" = 'postgres' ]; then
		return
	fi
	local exists
	exists="$("${psql_cmd[@]}" --dbname postgres --set db="$POSTGRES_DB" --tuples-only \
		<<-'EOSQL'
			SELECT 1 FROM pg_database WHERE datname = :'db' ;
		EOSQL
	)"
	if [ -z "$exists" ]; then
		"${psql_cmd[@]}" --dbname postgres --set db="$POSTGRES_DB" <<-'EOSQL'
			CREATE DATABASE :"db" ;
		EOSQL
		printf '\n'
	fi
}

process_init_files() {
	local f
	printf '\n'
	for f in "$@"; do
		case "$f" in
			*.sh)
				if [ -x "$f" ]; then
					printf '%s: running %s\n' "$0" "$f"
					"$f"
				else
					printf '%s: sourcing %s\n' "$0" "$f"
					# shellcheck disable=SC1090
					. "$f"
				fi
				;;
			*.sql)    printf '%s: running %s\n' "$0" "$f"; "${psql_cmd[@]}" --dbname "$POSTGRES_DB" -f "$f"; printf '\n' ;;
			*.sql.gz) printf '%s: running %s\n' "$0" "$f"; gunzip -c "$f" | "${psql_cmd[@]}" --dbname "$POSTGRES_DB"; printf '\n' ;;
			*.sql.xz) printf '%s: running %s\n' "$0" "$f"; xzcat "$f" | "${psql_cmd[@]}" --dbname "$POSTGRES_DB"; printf '\n' ;;
			*.sql.zst) printf '%s: running %s\n' "$0" "$f"; zstd -dc "$f" | "${psql_cmd[@]}" --dbname "$POSTGRES_DB"; printf '\n' ;;
			*)        printf '%s: ignoring %s\n' "$0" "$f" ;;
		esac
	done
}

if [ -s "$PGDATA/PG_VERSION" ]; then
	printf '\nPostgreSQL Database directory appears to contain a database; Skipping initialization\n\n'
else
	verify_minimum_env
	# Init scripts must be readable before anything is created.
	ls /docker-entrypoint-initdb.d/ > /dev/null

	init_database_dir
	write_pg_hba

	# Scripts (and psql) reach the temporary server through the Unix socket.
	export PGPASSWORD="${PGPASSWORD:-$POSTGRES_PASSWORD}"
	temp_server_start
	setup_db
	shopt -s nullglob
	process_init_files /docker-entrypoint-initdb.d/*
	shopt -u nullglob
	temp_server_stop
	unset PGPASSWORD

	printf '\nPostgreSQL init process complete; ready for start up.\n\n'
fi

# The server does not need the password; keep it out of its environment.
unset POSTGRES_PASSWORD
exec "$@"
