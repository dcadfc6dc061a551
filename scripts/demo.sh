#!/bin/bash
# The demo (`make demo` runs install-deps, the build, then this):
#   1. brings the demo lab up (IPD_LAB=demo, scripts/lab.sh: namespaces only),
#   2. runs the pipeline on it as far as it exists: import every recorded-view
#      fixture, sweep + listen from the scanner namespace (with `lab.sh trigger`
#      for the passive-only causes), resolve against the lab's BIND, audit,
#      report (html, csv, json), fix (nsupdate script, IPAM CSV delta),
#   3. prints where the outputs are (demo-out/).
# A command that exits 69 (EX_UNAVAILABLE: not built yet) is skipped with a
# note; any other failure is reported and the demo goes on. The lab stays up
# for exploring; `IPD_LAB=demo scripts/lab.sh down` removes it.
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD
export IPD_LAB=${IPD_LAB:-demo}
OUT=${DEMO_OUT:-$ROOT/demo-out}
BIN=$ROOT/ipdrift
FIX=$ROOT/scripts/lab

if [ "$(id -u)" -ne 0 ]; then
	echo "demo: run as root (it builds network namespaces)" >&2
	exit 77
fi
if [ ! -x "$BIN" ]; then
	make -s all || exit 1
fi

scripts/lab.sh up || { echo "demo: lab up failed" >&2; exit 1; }
eval "$(scripts/lab.sh env)"
SCAN="ip netns exec $LAB_SCAN_NS"

# A fresh store and fresh outputs every time; the directory is readable by the
# unprivileged user sweep/listen drop to (they open the store before dropping).
rm -rf -- "$OUT"
mkdir -p "$OUT/logs"
DB=$OUT/ipdrift.db
STEPS=$OUT/steps.txt
: >"$STEPS"
ran=0 skipped=0 failed=0

# step NAME CMD...: run one command, log its output, record the outcome
step() {
	local name=$1; shift
	local log="$OUT/logs/$name.log" rc
	printf '%-28s ' "$name"
	"$@" >"$log" 2>&1
	rc=$?
	case $rc in
	0) echo "ok"; ran=$((ran + 1)); echo "ok      $name" >>"$STEPS" ;;
	69) echo "skipped (not implemented yet: exit 69)"; skipped=$((skipped + 1))
	    echo "skipped $name (exit 69)" >>"$STEPS" ;;
	*) echo "FAILED (exit $rc, see $log)"; failed=$((failed + 1))
	   echo "FAILED  $name (exit $rc)" >>"$STEPS"
	   tail -n 5 "$log" | sed 's/^/    /' ;;
	esac
	return 0
}

ipd() { "$BIN" --db "$DB" "$@"; }
ipd_scan() { $SCAN "$BIN" --db "$DB" "$@"; }

echo "== the recorded view (scripts/lab/)"
step init ipd init
step import-subnets ipd import subnets "$FIX/netbox-prefixes.csv"
step import-ranges ipd import ranges "$FIX/netbox-ip-ranges.csv"
step import-allocations ipd import allocations "$FIX/netbox-ip-addresses.csv"
step import-leases ipd import leases "$FIX/dhcpd.leases"
for z in db.example.test db.192.0.2 db.2001-db8-0-1 db.198.18.5; do
	step "import-zone-$z" ipd import zone "$FIX/zones/$z"
done
step import-allowlist ipd import allowlist "$FIX/allowlist.csv"

echo "== the wire (from namespace $LAB_SCAN_NS, interface $LAB_IFACE)"
step sweep ipd_scan sweep -i "$LAB_IFACE" --fast
# listen in the background while `trigger` makes every host speak once
# (gratuitous ARP / NS, a DHCP DISCOVER answered by both servers, an RS).
(
	cd "$OUT" && $SCAN "$BIN" --db "$DB" listen -i "$LAB_IFACE" --duration 12 --sensor demo \
		>"$OUT/logs/listen.log" 2>&1
	echo $? >"$OUT/logs/listen.rc"
) &
lpid=$!
sleep 1
scripts/lab.sh trigger >"$OUT/logs/trigger.log" 2>&1
wait "$lpid"
lrc=$(cat "$OUT/logs/listen.rc" 2>/dev/null || echo 1)
printf '%-28s ' listen
case $lrc in
0) echo ok; ran=$((ran + 1)); echo "ok      listen" >>"$STEPS" ;;
69) echo "skipped (not implemented yet: exit 69)"; skipped=$((skipped + 1)); echo "skipped listen (exit 69)" >>"$STEPS" ;;
*) echo "FAILED (exit $lrc, see $OUT/logs/listen.log)"; failed=$((failed + 1)); echo "FAILED  listen (exit $lrc)" >>"$STEPS" ;;
esac

echo "== DNS (the lab's BIND at $LAB_DNS)"
step resolve ipd_scan resolve --server "$LAB_DNS" --verify-zones

echo "== audit, report, fixes"
step audit ipd audit --own-prefix 192.0.2.0/24 --own-prefix 2001:db8::/32 --own-prefix 198.18.0.0/15
step report-html ipd report --format html -o "$OUT/report.html" --force
step report-csv ipd report --format csv -o "$OUT/findings.csv" --force
step report-json ipd report --format json -o "$OUT/report.json" --force
step fix-nsupdate ipd fix --nsupdate -o "$OUT/fix.nsupdate" --server "$LAB_DNS" --force
step fix-ipam ipd fix --ipam-csv "$OUT/ipam-delta.csv" --format netbox --force
step subnets sh -c "'$BIN' --db '$DB' subnets >'$OUT/subnets.txt'"
step status sh -c "'$BIN' --db '$DB' status >'$OUT/status.txt'"

echo
echo "demo: $ran ok, $skipped skipped (not implemented yet), $failed failed"
echo "outputs in $OUT/:"
for f in report.html findings.csv report.json fix.nsupdate ipam-delta.csv subnets.txt status.txt ; do
	[ -s "$OUT/$f" ] && printf '  %-16s %s\n' "$f" "$(wc -c <"$OUT/$f") bytes"
done
printf '  %-16s %s\n' ipdrift.db "$DB"
echo "  logs/            one log per step; steps.txt lists each step's outcome"
if [ -s "$OUT/findings.csv" ]; then
	echo "findings by rule:"
	"$BIN" --db "$DB" report --format ndjson 2>/dev/null |
		grep -o '"rule":"[a-z-]*"' | sort | uniq -c | sort -rn | sed 's/"rule"://; s/"//g; s/^/  /'
fi
echo "planted causes found (scripts/lab/check-findings.sh, see scripts/lab/README.md):"
scripts/lab/check-findings.sh "$DB" "$BIN" >"$OUT/check-findings.tap" 2>&1
echo "  $(grep -c '^ok' "$OUT/check-findings.tap") ok, $(grep -c '^not ok' "$OUT/check-findings.tap") not (yet) found: $OUT/check-findings.tap"
echo "apply the DNS fixes to the lab:  ip netns exec $LAB_SCAN_NS nsupdate -k $LAB_TSIG_KEY $OUT/fix.nsupdate"
echo "the lab is still up:             IPD_LAB=$IPD_LAB scripts/lab.sh status | down"
[ "$failed" -eq 0 ]
