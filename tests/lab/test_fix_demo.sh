#!/bin/bash
# nsupdate fixes in the demo network (scripts/lab.sh, prefix rf<pid>): the whole
# pipeline (scripts/demo.sh: import, sweep, listen, resolve against the lab's
# BIND, audit, report, fix), then
#  - the fix script applies cleanly (nsupdate -k, rc 0) and changes the zones,
#  - a second application changes nothing (rc 2, every prereq fails, SOA
#    serials unchanged),
#  - zones re-read by AXFR, resolve + audit again: every finding the script
#    addressed is resolved, and the reports were written and are well formed.
# TAP output. Needs root; takes about a minute.
set -u
cd "$(dirname "$0")/../.."
ROOT=$PWD
export IPD_LAB=rf$(($$ % 1000000)) # per invocation: concurrent runs never share a lab
OUT=$(mktemp -d /tmp/ipd-fixdemo-XXXXXX)
n=0 fail=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
nok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n - $*"; }
cleanup() {
	scripts/lab.sh down >/dev/null 2>&1
	[ -n "${KEEP:-}" ] && echo "# kept $OUT" || rm -rf "$OUT"
}
[ "$(id -u)" -eq 0 ] || { echo "1..0 # SKIP needs root"; exit 0; }
for tool in nsupdate dig named; do
	command -v $tool >/dev/null || { echo "1..0 # SKIP $tool missing"; exit 0; }
done
trap cleanup EXIT
[ -x ./ipdrift ] || make -s all >/dev/null

DEMO_OUT=$OUT/demo timeout 600 scripts/demo.sh >"$OUT/demo.log" 2>&1 \
	&& ok "demo pipeline (lab $IPD_LAB): every step ok" || { nok "demo pipeline"; grep -E 'FAILED' "$OUT/demo.log" | sed 's/^/# /'; }
eval "$(scripts/lab.sh env)"
D=$OUT/demo DB=$OUT/demo/ipdrift.db BIN=$ROOT/ipdrift
in_scan() { ip netns exec "$LAB_SCAN_NS" "$@"; }
serial() { in_scan dig +short @"$LAB_DNS" "$1" SOA | awk '{print $3}'; }

python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$D/report.json" 2>/dev/null \
	&& ok "report.json is valid JSON" || nok "report.json is valid JSON"
grep -q "script-src 'sha256-" "$D/report.html" && ok "report.html has its CSP" || nok "report.html has its CSP"
msgs=$(grep -c '^send$' "$D/fix.nsupdate" 2>/dev/null)
[ "${msgs:-0}" -ge 5 ] && ok "fix script: $msgs messages" || nok "fix script: ${msgs:-0} messages"

# IPAM delta (NetBox bulk import): a row about a recorded allocation carries
# the ID of the fixture's NetBox export, so importing it updates that object
# instead of creating a duplicate; a host to register (a new object) has none
ipam=$(python3 - "$D/ipam-delta.csv" "$LAB_FIXTURES/netbox-ip-addresses.csv" 2>&1 <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
ids = {r["address"]: r["id"] for r in csv.DictReader(open(sys.argv[2], newline=""))}
if rows[0][:3] != ["id", "address", "vrf"]:
    print("header", rows[0])
seen = set()
for r in rows[1:]:
    rid, addr, op = r[0], r[1], r[6].split(";")[0].split(":")[0].split()[-1]
    seen.add((op, addr))
    want = "" if op == "register" else ids.get(addr, "?")
    if rid != want:
        print("row", op, addr, "id", repr(rid), "want", repr(want))
for need in [("set-mac", "192.0.2.40/24"), ("deprecate", "192.0.2.45/24"), ("register", "192.0.2.77/24")]:
    if need not in seen:
        print("missing", *need)
PY
)
[ -z "$ipam" ] && ok "ipam-delta.csv: set-mac/deprecate rows carry their NetBox IDs, register rows none" \
	|| { nok "ipam-delta.csv ids"; echo "$ipam" | sed 's/^/# /'; }

zones=$(grep -h '^; ==== zone ' "$D/fix.nsupdate" | awk '{print $4}')
declare -A s0
for z in $zones; do s0[$z]=$(serial "$z"); done
in_scan nsupdate -k "$LAB_TSIG_KEY" "$D/fix.nsupdate" >"$OUT/apply1.out" 2>&1; rc=$?
[ $rc -eq 0 ] && ok "first application: rc 0" || { nok "first application: rc $rc"; sed 's/^/# /' "$OUT/apply1.out"; }
declare -A s1
changed=0
for z in $zones; do s1[$z]=$(serial "$z"); [ "${s1[$z]}" != "${s0[$z]}" ] && changed=$((changed + 1)); done
[ "$changed" -eq "$(echo "$zones" | wc -w)" ] && ok "every zone in the script changed (SOA serial bumped)" \
	|| nok "zones changed: $changed of $(echo "$zones" | wc -w)"
in_scan nsupdate -k "$LAB_TSIG_KEY" "$D/fix.nsupdate" >"$OUT/apply2.out" 2>&1; rc=$?
fails=$(grep -cE 'update failed: (NXRRSET|YXRRSET)' "$OUT/apply2.out")
[ $rc -eq 2 ] && [ "$fails" -eq "$msgs" ] && ok "second application: rc 2, all $fails prereqs fail" \
	|| nok "second application: rc $rc, $fails of $msgs prereqs fail"
same=0
for z in $zones; do [ "$(serial "$z")" = "${s1[$z]}" ] && same=$((same + 1)); done
[ "$same" -eq "$(echo "$zones" | wc -w)" ] && ok "SOA serials unchanged by the second application" || nok "SOA serials changed"

# re-read the zones (AXFR with the lab key) under the demo's source names
for f in "$LAB_FIXTURES"/zones/db.*; do
	origin=$(sed -n 's/^\$ORIGIN[[:space:]]*\([^[:space:]]*\).*/\1/p' "$f" | head -1)
	[ -n "$origin" ] || continue
	in_scan dig -k "$LAB_TSIG_KEY" +nocmd +nostats @"$LAB_DNS" axfr "$origin" | grep -v TSIG >"$OUT/axfr.$origin"
	"$BIN" --db "$DB" import zone "$OUT/axfr.$origin" --source "$f" --origin "$origin" --quiet \
		|| nok "re-import $origin by AXFR"
done
in_scan "$BIN" --db "$DB" resolve -q --server "$LAB_DNS" --verify-zones >"$OUT/resolve2.log" 2>&1 &&
	"$BIN" --db "$DB" audit --own-prefix 192.0.2.0/24 --own-prefix 2001:db8::/32 --own-prefix 198.18.0.0/15 \
		>"$OUT/audit2.log" 2>&1 && ok "zones re-read, resolve + audit again" || nok "resolve + audit again"
run2=$(sqlite3 "$DB" "SELECT max(id) FROM runs WHERE kind='audit'")
fps=$(sed -n 's/^; fixes [^:]*: //p; s/^;   also fixes //p' "$D/fix.nsupdate" | sort -u)
while IFS= read -r fp; do
	[ -n "$fp" ] || continue
	st=$(sqlite3 "$DB" "SELECT state FROM findings WHERE run_id=$run2 AND fingerprint='${fp//\'/\'\'}'")
	if [ "$st" = resolved ]; then
		ok "after the fix: $fp resolved"
	else
		nok "after the fix: $fp is '${st:-absent}'"
	fi
done <<<"$fps"
echo "1..$n"
[ "$fail" -eq 0 ]
