# shellcheck shell=bash
# Shared by scripts/backup, scripts/restore and scripts/backup-restore-drill (sourced, not run).
# Needs bash, the PostgreSQL client tools (psql, pg_dump, pg_restore) of the server's major
# version or newer, tar, gzip and sha256sum.

die() { echo "$(basename "$0"): $*" >&2; exit 1; }

# DATABASE_URL as libpq reads it: django-environ also accepts psql://, pgsql:// and postgis://.
libpq_url() {
  local url="${1:?}"
  case "$url" in
    postgres://* | postgresql://*) echo "$url" ;;
    psql://* | pgsql://* | postgis://*) echo "postgresql://${url#*://}" ;;
    *) die "DATABASE_URL must be a PostgreSQL URL (postgres://user:password@host:5432/name)" ;;
  esac
}

# The same URL with another database name (query parameters such as ?sslmode= kept).
url_with_database() {
  local url="$1" name="$2" base query
  base="${url%%\?*}"
  query="${url#"$base"}"
  echo "${base%/*}/${name}${query}"
}

database_name() {
  local base="${1%%\?*}"
  echo "${base##*/}"
}

# The media folder the portal uses: PRIVATE_MEDIA_ROOT, else settings' default beside manage.py.
media_root() {
  echo "${PRIVATE_MEDIA_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/private_media}"
}

# Exact row counts of every table in the public schema, "table<TAB>rows", sorted by table.
# (query_to_xml runs one COUNT(*) per table inside a single statement, so inside one snapshot.)
ROW_COUNTS_SQL="
SELECT table_name || E'\t' || (xpath('/row/n/text()',
         query_to_xml(format('SELECT count(*) AS n FROM %I.%I', table_schema, table_name),
                      false, true, '')))[1]::text
FROM information_schema.tables
WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
ORDER BY table_name COLLATE \"C\";"

row_counts() {
  psql -X -q -t -A -v ON_ERROR_STOP=1 -d "$1" -c "$ROW_COUNTS_SQL"
}

# "path<TAB>bytes" of every file under a folder, sorted; empty when the folder is missing.
media_files() {
  local root="$1"
  [ -d "$root" ] || return 0
  (cd "$root" && find . -type f -printf '%P\t%s\n' | LC_ALL=C sort)
}
