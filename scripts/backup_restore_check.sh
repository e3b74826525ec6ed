#!/usr/bin/env bash
# Backup and restore, exercised end to end (README: "Backup and restore").
#
# Backs up the PostgreSQL database in DATABASE_URL (pg_dump -Fc) and the media folder
# (MEDIA_ROOT: CVs and packets), restores both into a fresh database and folder, then
# checks that every table has the same number of rows and that a packet rendered before
# the backup opens from the restored copy (scripts/restored_packet.py). Makes one ready
# packet in the source database if it has none. Drops the scratch database at the end.
#
#   DATABASE_URL=postgres://loopwright:loopwright@127.0.0.1:5432/loopwright \
#       scripts/backup_restore_check.sh
#
# RESTORE_DB names the scratch database (default: <source>_restore_check); the role in
# DATABASE_URL must be allowed to create databases.
set -Eeuo pipefail
cd "$(dirname "$0")/.."

: "${DATABASE_URL:?Set DATABASE_URL to the PostgreSQL database to back up}"
case "$DATABASE_URL" in postgres://* | postgresql://*) ;; *)
    echo "DATABASE_URL is not PostgreSQL: nothing for pg_dump to back up" >&2
    exit 1
    ;;
esac
if [ -n "${S3_BUCKET:-}" ]; then
    echo "Media are in the S3 bucket ${S3_BUCKET}: back them up there (versioning)." >&2
    exit 1
fi

PY=${PY:-.venv/bin/python}
export PGOPTIONS="-c client_min_messages=warning"
export DEBUG="${DEBUG:-true}"
export MEDIA_ROOT="${MEDIA_ROOT:-$PWD/media}"
SOURCE_DB=${DATABASE_URL##*/}
SOURCE_DB=${SOURCE_DB%%\?*}
RESTORE_DB=${RESTORE_DB:-${SOURCE_DB}_restore_check}
RESTORE_URL="${DATABASE_URL%/*}/${RESTORE_DB}"
WORK=$(mktemp -d)

cleanup() {
    psql -X -q "$DATABASE_URL" -c "DROP DATABASE IF EXISTS ${RESTORE_DB}" >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

row_counts() {
    # One line per table of the public schema: name and exact row count.
    psql -X -q -tA -F ' ' "$1" <<'SQL'
SELECT table_name,
       (xpath('/row/n/text()',
              query_to_xml(format('SELECT count(*) AS n FROM public.%I', table_name),
                           false, true, '')))[1]::text
FROM information_schema.tables
WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
ORDER BY table_name;
SQL
}

packet_id=$("$PY" scripts/restored_packet.py prepare)
mkdir -p "$MEDIA_ROOT"

# The backup: the database in pg_dump's custom format, the media as a tarball.
pg_dump --format=custom --no-owner --file="$WORK/loopwright.dump" "$DATABASE_URL"
tar -C "$MEDIA_ROOT" -czf "$WORK/media.tar.gz" .
row_counts "$DATABASE_URL" >"$WORK/rows-before"

# The restore: a fresh database and a fresh media folder.
psql -X -q "$DATABASE_URL" -c "DROP DATABASE IF EXISTS ${RESTORE_DB}" -c "CREATE DATABASE ${RESTORE_DB}"
pg_restore --no-owner --exit-on-error --dbname="$RESTORE_URL" "$WORK/loopwright.dump"
mkdir "$WORK/media"
tar -C "$WORK/media" -xzf "$WORK/media.tar.gz"
row_counts "$RESTORE_URL" >"$WORK/rows-after"

if ! diff -u "$WORK/rows-before" "$WORK/rows-after"; then
    echo "Row counts differ between the database and its restored copy" >&2
    exit 1
fi
tables=$(wc -l <"$WORK/rows-before")
rows=$(awk '{ n += $2 } END { print n }' "$WORK/rows-before")
echo "Restored ${tables} tables, ${rows} rows, every count equal; dump $(du -h "$WORK/loopwright.dump" | cut -f1)."

DATABASE_URL="$RESTORE_URL" MEDIA_ROOT="$WORK/media" "$PY" scripts/restored_packet.py verify "$packet_id"
