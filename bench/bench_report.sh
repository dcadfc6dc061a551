#!/bin/bash
# Report generation for N findings (default 100000) in each format: wall time
# and size (target: under 5 s each), plus the fix writers, and the HTML
# render time in headless Chromium (loopback-only netns when root). The store
# has EVENTS 'dhcp hostname' events over the hosts: the host listing (csv
# --what hosts; json, ndjson and html list hosts too) must not scan them per host.
# Then SUBNETS more subnets (default 32768: every /30 of 198.18.0.0/15, so each
# host's address has thousands of subnets below it) and the IPAM fix again: its
# per-fix subnet lookup must not read the subnets below the address.
#   bench/bench_report.sh [N] [HOSTS] [EVENTS] [SUBNETS]
# Prints one line per output: "report FORMAT: N findings, T s, SIZE".
set -u
cd "$(dirname "$0")/.."
N=${1:-100000}
HOSTS=${2:-20000}
EVENTS=${3:-50000}
SUBNETS=${4:-32768}
LIMIT=${BENCH_REPORT_LIMIT:-60}   # seconds per output
BIN=${IPDRIFT:-$PWD/build/ipdrift}
[ -x "$BIN" ] || BIN=$PWD/ipdrift
T=$(mktemp -d /tmp/ipd-bench-report-XXXXXX)
trap 'rm -rf "$T"' EXIT
DB=$T/bench.db
"$BIN" --db "$DB" init >/dev/null
now=$(date +%s)
t0=$(date +%s.%N)
python3 bench/bench_report_store.py "$DB" "$N" "$HOSTS" "$now" "$EVENTS" || { echo "store build failed"; exit 1; }
t1=$(date +%s.%N)
printf 'bench store: %d findings, %d hosts, %d dhcp hostname events built in %.2f s (%s)\n' "$N" "$HOSTS" "$EVENTS" \
	"$(echo "$t1 - $t0" | bc)" \
	"$(du -h "$DB" | cut -f1)"

bad=0
runone() { # label outfile args...
	local label=$1 out=$2; shift 2
	# bounded: a report that goes quadratic fails the bench instead of hanging it
	/usr/bin/time -f "%e %U %S %M" -o "$T/time" timeout "$LIMIT" "$BIN" --db "$DB" "$@" >"$out" 2>"$T/err"
	local rc=$?
	[ $rc -eq 124 ] && { printf '%-24s TIMED OUT after %d s (%s written)\n' "$label:" "$LIMIT" \
		"$(du -h "$out" | cut -f1)"; bad=1; return; }
	[ $rc -eq 0 ] || { echo "$label: FAILED: $(head -3 "$T/err")"; bad=1; return; }
	local real user sys rss
	read -r real user sys rss <"$T/time"
	local verdict=ok; [ "$(echo "$real < 5" | bc)" = 1 ] || { verdict="OVER 5 s TARGET (wall)"; bad=1; }
	printf '%-24s %6.2f s wall %6.2f s cpu %6d MB rss %8s  %s\n' "$label:" "$real" \
		"$(echo "$user + $sys" | bc)" "$((rss / 1024))" "$(du -h "$out" | cut -f1)" "$verdict"
}
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
echo "# $N findings, $HOSTS hosts, $EVENTS dhcp hostname events"
runone "report json" "$T/r.json" report --format json
runone "report ndjson" "$T/r.ndjson" report --format ndjson
runone "report csv (findings)" "$T/r.csv" report --format csv
runone "report csv (hosts)" "$T/h.csv" report --format csv --what hosts
runone "report html" "$T/r.html" report --format html
runone "report html (full evid.)" "$T/rf.html" report --format html --evidence full
runone "fix nsupdate" "$T/fix.ns" fix --nsupdate --server 127.0.0.1
runone "fix ipam-csv netbox" "$T/ipam.csv" fix --ipam-csv -
# a large IPAM: SUBNETS equal prefixes tiling 198.18.0.0/15 (as long as they
# need to be to fit), nested in the bench store's /24s
python3 - "$DB" "$SUBNETS" <<'EOF' || { echo "subnet store failed"; exit 1; }
import ipaddress, sqlite3, sys
db, n = sys.argv[1], int(sys.argv[2])
L = 15 + max(0, (n - 1).bit_length())
assert L <= 32, "at most 131072 subnets"
net = ipaddress.ip_network("198.18.0.0/15")
def b(a): return bytes(10) + b"\xff\xff" + a.packed
c = sqlite3.connect(db)
c.executemany("INSERT INTO subnets (source_id, family, lo, hi, prefix_len, cidr, status) VALUES (1,4,?,?,?,?,'active')",
              ((b(s.network_address), b(s.broadcast_address), L, str(s))
               for s, _ in zip(net.subnets(new_prefix=L), range(n))))
c.commit()
EOF
runone "fix ipam-csv +$SUBNETS subn" "$T/ipam2.csv" fix --ipam-csv -
# references: what the sqlite3 shell itself takes to dump the same findings
# (no escaping for the context, no evidence flattening, no vendor lookup)
ref() { # label outfile sqlite3-args...
	local label=$1 out=$2; shift 2
	/usr/bin/time -f "%e %U %S %M" -o "$T/time" sqlite3 "$@" >"$out" 2>/dev/null
	local real user sys rss
	read -r real user sys rss <"$T/time"
	printf '%-24s %6.2f s wall %6.2f s cpu %6d MB rss %8s  (reference)\n' "$label:" "$real" \
		"$(echo "$user + $sys" | bc)" "$((rss / 1024))" "$(du -h "$out" | cut -f1)"
}
Q="SELECT id, severity, state, rule, subject, summary, evidence, fix FROM findings WHERE run_id = 2 ORDER BY severity, rule, subject"
ref "sqlite3 -json" "$T/ref.json" -json "$DB" "$Q"
ref "sqlite3 -csv" "$T/ref.csv" -csv -header "$DB" "$Q"
ref "sqlite3 -html" "$T/ref.html" -html "$DB" "$Q"

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ -x "$CHROMIUM" ] && [ "$(id -u)" -eq 0 ]; then
	ud=$(mktemp -d "$T/ud-XXXXXX")
	a=$(date +%s.%N)
	/usr/bin/time -f "%U %S" -o "$T/ctime" unshare -n sh -c "ip link set lo up; timeout 300 $CHROMIUM --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync --user-data-dir=$ud --dump-dom file://$T/r.html" >"$T/dom.html" 2>/dev/null
	b=$(date +%s.%N)
	if grep -q 'data-js="ok"' "$T/dom.html"; then
		read -r cu cs <"$T/ctime"
		printf '%-24s %6.2f s wall %6.2f s cpu (all chromium processes; load, parse, script; --dump-dom)\n' \
			"chromium html render:" "$(echo "$b - $a" | bc)" "$(echo "$cu + $cs" | bc)"
	else
		printf '%-28s failed or timed out after %.2f s\n' "chromium html render:" "$(echo "$b - $a" | bc)"
	fi
else
	echo "chromium html render: skipped (needs root and $CHROMIUM)"
fi
exit $bad
