#!/bin/bash
# Store bench: 1,000,000 observation upserts through db_writer into a fresh
# SQLite store, then the same 1,000,000 again (updates). Prints rows/s,
# seconds, peak RSS and file size (tests/tools/bench_db.c).
#   ROWS=1000000 BUILD=build bench/bench_db.sh
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
ROWS=${ROWS:-1000000}
[ -x "$BUILD/tools/bench_db" ] || make -s tools >/dev/null
"$BUILD/tools/bench_db" -n "$ROWS"
# Reference figure on the same machine: the sqlite3 shell bulk-inserting the
# same number of (blob, text) keys in one transaction.
if command -v sqlite3 >/dev/null; then
	d=$(mktemp -d /tmp/ipdrift-bench-ref.XXXXXX)
	t0=$(date +%s.%N)
	sqlite3 "$d/ref.db" <<SQL >/dev/null
PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
CREATE TABLE o(ip BLOB, mac TEXT, n INTEGER, PRIMARY KEY(ip, mac));
BEGIN;
WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i+1 FROM s WHERE i < $ROWS - 1)
INSERT INTO o SELECT zeroblob(12) || randomblob(4), printf('00:1b:21:%02x:%02x:%02x', (i>>16)&255, (i>>8)&255, i&255) || (i>>24), 1 FROM s;
COMMIT;
SQL
	t1=$(date +%s.%N)
	awk -v a="$t0" -v b="$t1" -v n="$ROWS" 'BEGIN { printf "reference sqlite3-shell insert rows=%d seconds=%.2f rows_per_s=%.0f (bulk INSERT...SELECT, one transaction)\n", n, b - a, n / (b - a) }'
	rm -rf "$d"
fi
