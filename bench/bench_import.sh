#!/bin/bash
# Import bench: 1,000,000 NetBox IP-address rows and a 1,000,000-line Kea
# lease4 file, each into a fresh store through `ipdrift import`. Prints
# rows/s, seconds and peak RSS; target under 10 s each on 2 cores.
# Reference on the same machine: the sqlite3 shell's `.import` of the same
# CSV into a plain table (no parsing, validation or indexes beyond none).
#   ROWS=1000000 BUILD=build bench/bench_import.sh
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
ROWS=${ROWS:-1000000}
[ -x ./ipdrift ] || make -s >/dev/null
[ -x "$BUILD/tools/gen_import" ] || make -s tools >/dev/null
d=$(mktemp -d /tmp/ipdrift-bench-import.XXXXXX)
trap 'rm -rf "$d"' EXIT
"$BUILD/tools/gen_import" netbox "$ROWS" "$d/netbox.csv"
"$BUILD/tools/gen_import" kea4 "$ROWS" "$d/kea-leases4.csv"
fail=0
one() {  # one NAME KIND FILE
	local name=$1 kind=$2 file=$3 out rss s
	rm -f "$d/s.db" "$d/s.db-wal" "$d/s.db-shm"
	out=$( { /usr/bin/time -f 'TIME %e %M %U %S' ./ipdrift --db "$d/s.db" import "$kind" "$file" --now 1795540000; } 2>&1 )
	echo "$out" | grep -v '^TIME' | sed 's/^/  /'
	s=$(echo "$out" | awk '/^TIME/ {print $2}')
	rss=$(echo "$out" | awk '/^TIME/ {print $3}')
	cpu=$(echo "$out" | awk '/^TIME/ {print $4 + $5}')
	awk -v n="$ROWS" -v s="$s" -v r="$rss" -v c="$cpu" -v name="$name" -v la="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN {
		printf "%s rows=%d seconds=%.2f rows_per_s=%.0f cpu_seconds=%.2f peak_rss_mb=%.1f loadavg=%s target=10s %s\n",
			name, n, s, (s > 0 ? n / s : 0), c, r / 1024, la, (s < 10 ? "ok" : "SLOW") }'
	awk -v s="$s" 'BEGIN { exit !(s < 10) }' || fail=1
	# same file again: a no-op (digest unchanged)
	/usr/bin/time -f "  re-import of the same file: %e s" ./ipdrift --db "$d/s.db" import "$kind" "$file" --quiet
}
one import-netbox-ip allocations "$d/netbox.csv"
one import-kea-lease4 leases "$d/kea-leases4.csv"
if command -v sqlite3 >/dev/null; then
	for f in netbox kea-leases4; do
		rm -f "$d/ref.db"
		t0=$(date +%s.%N)
		sqlite3 "$d/ref.db" ".mode csv" ".import $d/$f.csv t" >/dev/null 2>&1
		t1=$(date +%s.%N)
		awk -v a="$t0" -v b="$t1" -v n="$ROWS" -v f="$f" 'BEGIN { printf "reference sqlite3-shell .import %s rows=%d seconds=%.2f rows_per_s=%.0f\n", f, n, b - a, n / (b - a) }'
	done
fi
exit $fail
