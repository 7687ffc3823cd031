#!/bin/bash
# Runs once, when the postgres container initialises an empty data volume (docker-entrypoint-initdb.d).
# Creates the role the app connects as and its database. The role is deliberately NOT a superuser and
# has no BYPASSRLS: PostgreSQL row-level security must bind the application (docs/architecture.md).
set -euo pipefail
: "${POSTGRES_APP_PASSWORD:?set POSTGRES_APP_PASSWORD (password of the app role) in .env}"

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "${POSTGRES_DB:-$POSTGRES_USER}" \
     -v app_password="$POSTGRES_APP_PASSWORD" <<'SQL'
CREATE ROLE tidings LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE PASSWORD :'app_password';
CREATE DATABASE tidings OWNER tidings;
SQL
