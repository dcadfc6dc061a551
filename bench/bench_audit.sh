#!/bin/bash
# Audit bench: a synthetic store with 1,000,000 allocations, 1,000,000
# observations and 2,000,000 DNS answers across 5,000 subnets
# (tests/tools/gen_audit_store.c), then `ipdrift audit` twice: the first run
# (every finding new) and a second one (every finding ongoing). Prints wall
# time, CPU time and peak RSS of each. Target: < 10 s and < 1 GiB.
#   BUILD=build SUBNETS=5000 ALLOCS=1000000 KEEP=1 bench/bench_audit.sh
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
SUBNETS=${SUBNETS:-5000}
ALLOCS=${ALLOCS:-1000000}
NOW=2000000000
[ -x "$BUILD/ipdrift" ] && [ -x "$BUILD/tools/gen_audit_store" ] || make -s all tools >/dev/null
d=$(mktemp -d /tmp/ipdrift-bench-audit.XXXXXX)
cleanup() { [ -n "${KEEP:-}" ] && echo "kept $d" || rm -rf "$d"; }
trap cleanup EXIT
"$BUILD/tools/gen_audit_store" -o "$d/store.db" -s "$SUBNETS" -a "$ALLOCS" -n "$NOW"
sync  # the generator's dirty pages are not the audit's I/O
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs (other jobs inflate wall time)"
for pass in first second; do
	/usr/bin/time -f "%e %U %S %M" -o "$d/time" "$BUILD/ipdrift" --db "$d/store.db" audit --now "$NOW" >"$d/out" 2>"$d/err" || {
		cat "$d/err"; exit 1; }
	read -r wall user sys rss <"$d/time"
	sed -n '1p;3p' "$d/out"
	awk -v p="$pass" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" 'BEGIN {
		printf "bench_audit %s run: wall_s=%.2f cpu_s=%.2f (user %.2f sys %.2f) peak_rss_mib=%.0f  target: wall < 10 s, rss < 1024 MiB -> %s\n",
			p, w, u + s, u, s, r / 1024, (w < 10 && r < 1048576) ? "MET" : "NOT MET" }'
done
# Reference on the same store and machine: the sqlite3 shell doing just the
# three address-ordered scans the join reads (no rules, no writes).
if command -v sqlite3 >/dev/null; then
	/usr/bin/time -f "%e %U %S %M" -o "$d/time" sqlite3 "$d/store.db" \
		"SELECT count(*), sum(length(mac)) FROM (SELECT * FROM observations ORDER BY ip);
		 SELECT count(*), sum(length(hostname)) FROM (SELECT * FROM allocations ORDER BY ip);
		 SELECT count(*), sum(length(qname)) FROM (SELECT * FROM dns_answers WHERE ip IS NOT NULL ORDER BY ip);" >/dev/null
	read -r wall user sys rss <"$d/time"
	awk -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" 'BEGIN {
		printf "reference sqlite3-shell ordered scans only: wall_s=%.2f cpu_s=%.2f peak_rss_mib=%.0f\n", w, u + s, r / 1024 }'
fi
echo "store: $(du -m "$d/store.db" | cut -f1) MiB after two audits"
