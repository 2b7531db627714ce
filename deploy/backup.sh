#!/usr/bin/env bash
# Back up the bot's database while it runs: pg_dump (custom format) for PostgreSQL, SQLite's
# online backup for a SQLite file. Keeps the last KEEP_DAYS days (default 14) in BACKUP_DIR.
set -euo pipefail
: "${DATABASE_URL:?DATABASE_URL is not set}"
dir=${BACKUP_DIR:-/var/lib/ecolabel-bot/backups}
keep=${KEEP_DAYS:-14}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$dir"
case "$DATABASE_URL" in
    postgresql*)
        url="postgresql:${DATABASE_URL#*:}"   # pg_dump does not know the +driver part
        pg_dump --format=custom --no-owner --file="$dir/ecolabel-$stamp.dump" "$url"
        ;;
    sqlite:///*)
        db=${DATABASE_URL#sqlite:///}
        python3 - "$db" "$dir/ecolabel-$stamp.db" <<'PY'
import sqlite3, sys
src, dst = sqlite3.connect(sys.argv[1]), sqlite3.connect(sys.argv[2])
with dst:
    src.backup(dst)  # consistent copy while the bot keeps writing
PY
        ;;
    *) echo "backup: unsupported DATABASE_URL" >&2; exit 2 ;;
esac
find "$dir" -name 'ecolabel-*' -mtime +"$keep" -delete
echo "backup written: $dir/ecolabel-$stamp"
