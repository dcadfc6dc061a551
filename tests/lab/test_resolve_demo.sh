#!/bin/bash
# `ipdrift resolve` in the demo network (scripts/lab.sh, prefix "rd<pid>"): after
# importing the lab inventory (NetBox allocations, ISC leases, the zones) and
# resolving from the scanner namespace against the lab BIND (192.0.2.53), the
# store must hold, for every allocated/leased address, the PTR answer BIND
# gives (dig is the oracle: same names, same status), and for every recorded
# host name the A/AAAA answers BIND gives; plus the planted DNS cases
# (missing PTR, missing forward, name mismatch, dual-stack gap, the broken
# reverse zone -> servfail, never absent). TAP.
set -u
cd "$(dirname "$0")/../.."
TOP=$(pwd)
BIN=${IPDRIFT:-$TOP/ipdrift}
export IPD_LAB=rd$(($$ % 1000000)) # per invocation: concurrent runs never share a lab
TMP=$(mktemp -d /tmp/ipd-resolve-demo.XXXXXX)
export IPD_LAB_STATE=$TMP/lab
n=0 fail=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n - $1"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else nok "$d"; fi; }
cleanup() {
	scripts/lab.sh down >/dev/null 2>&1
	rm -rf "$TMP"
}
if [ "$(id -u)" != 0 ] || ! command -v dig >/dev/null; then
	echo "1..0 # SKIP lab tests need root and dig"
	exit 0
fi
trap cleanup EXIT
if ! scripts/lab.sh up >"$TMP/up.log" 2>&1; then
	echo "1..0 # SKIP scripts/lab.sh up failed: $(tail -1 "$TMP/up.log")"
	exit 0
fi
DB=$TMP/ipdrift.db
q() { sqlite3 "$DB" "$1"; }
"$BIN" --db "$DB" import allocations scripts/lab/netbox-ip-addresses.csv --quiet >/dev/null 2>"$TMP/imp" &&
	"$BIN" --db "$DB" import leases scripts/lab/dhcpd.leases --quiet >/dev/null 2>>"$TMP/imp" &&
	"$BIN" --db "$DB" import zone scripts/lab/zones/db.example.test --quiet >/dev/null 2>>"$TMP/imp" &&
	"$BIN" --db "$DB" import zone scripts/lab/zones/db.192.0.2 --quiet >/dev/null 2>>"$TMP/imp"
check "lab inventory imported" [ $? = 0 ]
inscan() { ip netns exec "$IPD_LAB-scan" "$@"; }
inscan "$BIN" --db "$DB" resolve --server 192.0.2.53 --verify-zones --domain example.test --timeout 500 --tries 2 \
	>/dev/null 2>"$TMP/err"
rc=$?
check "resolve in the scanner namespace exits 0 (rc=$rc)" [ $rc = 0 ]
sed 's/^/# /' "$TMP/err"
run=$(q "SELECT max(id) FROM runs WHERE kind='resolve'")

# dig's view: "STATUS name name ..." (names sorted; STATUS as ipdrift names it)
dig_view() { # qtype qname
	local out status
	out=$(inscan dig +norec +time=2 +tries=2 @192.0.2.53 "$2" "$1" +noall +comments +answer 2>/dev/null)
	status=$(sed -n 's/.*status: \([A-Z]*\),.*/\1/p' <<<"$out" | head -1)
	local ans
	ans=$(awk -v t="$1" '$4 == t {print $5}' <<<"$out" | sort | tr '\n' ' ')
	case $status in
	NOERROR) [ -n "$ans" ] && status=ok || status=nodata ;;
	NXDOMAIN) status=nxdomain ;; SERVFAIL) status=servfail ;; REFUSED) status=refused ;;
	*) status=error ;;
	esac
	ans=${ans% }
	echo "$status${ans:+ $ans}"
}
# ipdrift's view of the same question in this run
ipd_view() { # qtype qname
	local col=name
	[ "$1" != PTR ] && col=ip_text
	q "SELECT status || ' ' || coalesce(group_concat(v, ' '), '') FROM (SELECT status, $col AS v FROM dns_answers
	   WHERE run_id=$run AND qtype='$1' AND qname='$2' ORDER BY v)" | sed 's/ $//'
}
bad=""
nptr=0
for ip in $(q "SELECT ip_text FROM allocations UNION SELECT ip_text FROM leases WHERE active=1"); do
	rev=$(inscan dig +noall -x "$ip" +question 2>/dev/null | awk '{print $1}' | sed 's/^;//' | head -1)
	[ -z "$rev" ] && { bad="$bad $ip(no-rev)"; continue; }
	want=$(dig_view PTR "$rev")
	got=$(ipd_view PTR "$rev")
	nptr=$((nptr + 1))
	[ "$want" = "$got" ] || bad="$bad $ip[$got!=$want]"
done
check "PTR of all $nptr allocated/leased addresses equals BIND's answer${bad:+ # diff:$bad}" [ -z "$bad" ]
bad=""
nfwd=0
for h in $(q "SELECT DISTINCT hostname FROM allocations WHERE hostname <> '' UNION SELECT hostname FROM leases WHERE hostname <> ''"); do
	case $h in *.*.*) ;; *.) h=${h}example.test. ;; *.*) ;; *) h=$h.example.test ;; esac
	case $h in *.) ;; *) h=$h. ;; esac
	for t in A AAAA; do
		want=$(dig_view $t "$h")
		got=$(ipd_view $t "$h")
		nfwd=$((nfwd + 1))
		[ "$want" = "$got" ] || bad="$bad $t:$h[$got!=$want]"
	done
done
check "A/AAAA of all recorded names ($nfwd lookups) equal BIND's answers${bad:+ # diff:$bad}" [ -z "$bad" ]
check "files (192.0.2.21): no PTR -> nxdomain" [ "$(ipd_view PTR 21.2.0.192.in-addr.arpa.)" = "nxdomain" ]
check "backup.example.test: no A -> nxdomain" [ "$(ipd_view A backup.example.test.)" = "nxdomain" ]
check "app.example.test: A but no AAAA -> nodata" [ "$(ipd_view AAAA app.example.test.)" = "nodata" ]
check "ldap (192.0.2.25): PTR says dir.example.test." [ "$(ipd_view PTR 25.2.0.192.in-addr.arpa.)" = "ok dir.example.test." ]
check "vpn (198.18.7.10): broken reverse zone -> servfail, not absent" \
	[ "$(ipd_view PTR 10.7.18.198.in-addr.arpa.)" = "servfail" ]
check "PTR target cam.example.test. (of .23) was forward-resolved" [ "$(ipd_view A cam.example.test.)" = "ok 192.0.2.24" ]
check "--verify-zones re-queried old.example.test (zone-only record)" [ "$(ipd_view A old.example.test.)" = "ok 192.0.2.99" ]
check "DHCP name laptop-1 qualified by --domain: A 192.0.2.101" [ "$(ipd_view A laptop-1.example.test.)" = "ok 192.0.2.101" ]
check "each question asked once per run (store lists, PTR targets, zones overlap)" \
	[ "$(q "SELECT count(*) FROM (SELECT qtype, qname, count(DISTINCT coalesce(name,'')||coalesce(ip_text,'')) d, count(*) c FROM dns_answers WHERE run_id=$run GROUP BY 1, 2 HAVING c > d)")" = 0 ]
check "every answer came from the lab BIND" \
	[ "$(q "SELECT count(*) FROM dns_answers WHERE run_id=$run AND server <> '192.0.2.53:53'")" = 0 ]
check "no timeouts or errors in the lab" \
	[ "$(q "SELECT count(*) FROM dns_answers WHERE run_id=$run AND status IN ('timeout','error')")" = 0 ]
echo "1..$n"
[ "$fail" = 0 ]
