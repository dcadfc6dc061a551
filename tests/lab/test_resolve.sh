#!/bin/bash
# ipdrift resolve against a real BIND 9 (named) started by this test inside a
# network namespace it creates (never on the machine's shared loopback).
# Covers: PTR/A/AAAA answers, NXDOMAIN vs NODATA, SERVFAIL, REFUSED, a server
# that never answers (timeout, never "absent"), truncation -> TCP fallback,
# a PTR RRset with several names, hostile names in PTR data, --ptr ranges,
# --json, the run row's stats. Prints TAP.
set -u
cd "$(dirname "$0")/../.."
BIN=${IPDRIFT:-$PWD/ipdrift}
NS=rs-dns-$$
TMP=$(mktemp -d /tmp/rs-dns.XXXXXX)
NAMED_PID= DROP_PID=
n=0 failed=0

cleanup() {
	[ -n "$NAMED_PID" ] && kill "$NAMED_PID" 2>/dev/null && wait "$NAMED_PID" 2>/dev/null
	[ -n "$DROP_PID" ] && kill "$DROP_PID" 2>/dev/null && wait "$DROP_PID" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
[ -n "${KEEP:-}" ] && trap "echo kept $TMP $NS" EXIT

ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
check() { # check "description" command...
	local d=$1; shift
	if "$@"; then ok "$d"; else nok "$d"; fi
}
inns() { ip netns exec "$NS" "$@"; }
q() { sqlite3 "$TMP/t.db" "$1"; }

if [ "$(id -u)" -ne 0 ] || ! command -v named >/dev/null || ! command -v sqlite3 >/dev/null; then
	echo "1..0 # SKIP needs root, named and sqlite3"
	exit 0
fi
[ -x "$BIN" ] || { echo "not ok 1 - $BIN not built"; exit 1; }

ip netns add "$NS" || { echo "not ok 1 - ip netns add"; exit 1; }
inns ip link set lo up

# --- zones ---------------------------------------------------------------
cat >"$TMP/named.conf" <<CONF
options {
    directory "$TMP";
    pid-file "$TMP/named.pid";
    session-keyfile none;
    listen-on port 10053 { 127.0.0.1; };
    listen-on-v6 { none; };
    recursion yes;
    allow-recursion { 127.0.0.1; };
    notify no;
    dnssec-validation no;
    check-names primary ignore;
    minimal-responses yes;
};
controls { };
zone "example.test" { type primary; file "db.example.test"; };
zone "2.0.192.in-addr.arpa" { type primary; file "db.192.0.2"; };
zone "1.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa" { type primary; file "db.v6"; };
zone "broken.test" { type primary; file "db.broken"; };
zone "dead.test" { type forward; forward only; forwarders { 127.0.0.1 port 10098; }; };
zone "refused.test" { type primary; file "db.example.test"; allow-query { none; }; };
CONF
cat >"$TMP/db.example.test" <<'ZONE'
$TTL 3600
@       IN SOA  ns1 hostmaster ( 2024010101 3600 900 604800 300 )
        IN NS   ns1
ns1     IN A    127.0.0.1
web     IN A    192.0.2.10
        IN AAAA 2001:db8:0:1::10
v4only  300 IN A 192.0.2.11
alias   IN CNAME web
ZONE
for i in $(seq 1 60); do echo "big IN A 198.51.100.$i"; done >>"$TMP/db.example.test"
cat >"$TMP/db.192.0.2" <<'ZONE'
$TTL 3600
@   IN SOA ns1.example.test. hostmaster.example.test. ( 2024010101 3600 900 604800 300 )
    IN NS  ns1.example.test.
10  IN PTR web.example.test.
11  IN PTR v4only.example.test.
20  IN PTR a.example.test.
20  IN PTR b.example.test.
20  IN PTR c.example.test.
30  IN PTR evil\010bs.example.test.
31  IN PTR has\032space.example.test.
32  IN PTR <script>x</script>.example.test.
33  IN PTR aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example.test.
34  IN PTR dot\.inside.example.test.
40  IN TXT "only a TXT here"
ZONE
for i in $(seq 1 40); do echo "50 IN PTR host-with-a-rather-long-name-$i.example.test."; done >>"$TMP/db.192.0.2"
cat >"$TMP/db.v6" <<'ZONE'
$TTL 3600
@   IN SOA ns1.example.test. hostmaster.example.test. ( 2024010101 3600 900 604800 300 )
    IN NS  ns1.example.test.
0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0 IN PTR web.example.test.
ZONE
printf '$TTL 3600\n@ IN SOA ns1 hostmaster ( 1 2 3 4 5\nthis is not a zone file (\n' >"$TMP/db.broken"

ip netns exec "$NS" named -g -c "$TMP/named.conf" -u root >"$TMP/named.log" 2>&1 &
NAMED_PID=$!
# a server that reads and never answers: "timeout", not ICMP-refused
cat >"$TMP/drop.py" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.settimeout(1.0)
end = time.time() + 120
while time.time() < end:
    try:
        s.recvfrom(4096)
    except socket.timeout:
        pass
PY
ip netns exec "$NS" python3 "$TMP/drop.py" 10099 &
DROP_PID=$!
for _ in $(seq 1 50); do
	inns dig +short +time=1 +tries=1 -p 10053 @127.0.0.1 web.example.test A 2>/dev/null | grep -q 192.0.2.10 && break
	sleep 0.2
done
if ! inns dig +short -p 10053 @127.0.0.1 web.example.test A | grep -q 192.0.2.10; then
	echo "not ok 1 - named did not come up"; sed 's/^/# /' "$TMP/named.log"; exit 1
fi
ok "named up in netns $NS on 127.0.0.1:10053"

export IPDRIFT_DB=$TMP/t.db
S="--server 127.0.0.1:10053"

# --- stored inventory: allocations / leases / observations -----------------
"$BIN" init >/dev/null
sqlite3 "$TMP/t.db" <<'SQL'
INSERT INTO sources(id, name, kind) VALUES (1, 'test', 'inventory');
INSERT INTO allocations(source_id, ip, ip_text, hostname) VALUES
 (1, X'00000000000000000000FFFFC000020A', '192.0.2.10', 'web.example.test'),
 (1, X'00000000000000000000FFFFC000020B', '192.0.2.11', 'v4only.example.test'),
 (1, X'00000000000000000000FFFFC0000214', '192.0.2.20', 'nosuch.example.test'),
 (1, X'00000000000000000000FFFFC000021E', '192.0.2.30', 'alias.example.test'),
 (1, X'00000000000000000000FFFFC0000228', '192.0.2.40', 'x.broken.test'),
 (1, X'20010DB8000000010000000000000010', '2001:db8:0:1::10', 'big.example.test');
INSERT INTO leases(source_id, ip, ip_text, hostname, active) VALUES
 (1, X'00000000000000000000FFFFC000021F', '192.0.2.31', 'x.dead.test', 1),
 (1, X'00000000000000000000FFFFC0000220', '192.0.2.32', 'y.refused.test', 1);
INSERT INTO observations(ip, ip_text, family, mac, method, first_seen, last_seen) VALUES
 (X'00000000000000000000FFFFC0000221', '192.0.2.33', 4, '02:00:00:00:00:01', 'arp-active', 1, 1),
 (X'00000000000000000000FFFFC0000222', '192.0.2.34', 4, '02:00:00:00:00:02', 'arp-active', 1, 1),
 (X'00000000000000000000FFFFC0000232', '192.0.2.50', 4, '02:00:00:00:00:03', 'arp-active', 1, 1),
 (X'00000000000000000000FFFFC0000263', '192.0.2.99', 4, '02:00:00:00:00:04', 'arp-active', 1, 1),
 (X'00000000000000000000FFFFC0000228', '192.0.2.40', 4, '02:00:00:00:00:05', 'arp-active', 1, 1);
SQL

inns "$BIN" resolve $S --timeout 300 --tries 2 >"$TMP/out1" 2>"$TMP/err1"
rc=$?
check "resolve from the store exits 0 (rc=$rc)" [ "$rc" -eq 0 ]
sed 's/^/# /' "$TMP/err1"
run1=$(q "SELECT max(id) FROM runs WHERE kind='resolve'")
st() { q "SELECT group_concat(status || ':' || coalesce(name,'') || ':' || coalesce(ip_text,''), ' ') FROM (SELECT * FROM dns_answers WHERE run_id=$run1 AND qtype='$1' AND qname='$2' ORDER BY name, ip_text)"; }

check "PTR 192.0.2.10 -> web.example.test. with TTL and server" \
	[ "$(q "SELECT status||'|'||name||'|'||ttl||'|'||server FROM dns_answers WHERE run_id=$run1 AND qtype='PTR' AND ip_text='192.0.2.10'")" = "ok|web.example.test.|3600|127.0.0.1:10053" ]
check "A web.example.test -> 192.0.2.10" [ "$(st A web.example.test.)" = "ok:web.example.test.:192.0.2.10" ]
check "AAAA web.example.test -> 2001:db8:0:1::10" [ "$(st AAAA web.example.test.)" = "ok:web.example.test.:2001:db8:0:1::10" ]
check "PTR for the v6 allocation (ip6.arpa nibbles) is nxdomain-or-ok, never failed" \
	[ "$(q "SELECT status FROM dns_answers WHERE run_id=$run1 AND qtype='PTR' AND ip_text='2001:db8:0:1::10'")" = "ok" ]
check "AAAA v4only -> nodata (name exists, no AAAA)" [ "$(st AAAA v4only.example.test.)" = "nodata:v4only.example.test.:" ]
check "nodata carries the SOA negative TTL (300)" \
	[ "$(q "SELECT ttl FROM dns_answers WHERE run_id=$run1 AND qtype='AAAA' AND qname='v4only.example.test.'")" = "300" ]
check "A nosuch -> nxdomain" [ "$(st A nosuch.example.test.)" = "nxdomain:nosuch.example.test.:" ]
check "PTR 192.0.2.99 -> nxdomain" [ "$(q "SELECT status FROM dns_answers WHERE run_id=$run1 AND ip_text='192.0.2.99' AND qtype='PTR'")" = "nxdomain" ]
check "A alias (CNAME) -> the address behind it" [ "$(st A alias.example.test.)" = "ok:alias.example.test.:192.0.2.10" ]
check "PTR RRset with three names -> three rows" \
	[ "$(q "SELECT group_concat(name, ' ') FROM (SELECT name FROM dns_answers WHERE run_id=$run1 AND ip_text='192.0.2.20' AND qtype='PTR' ORDER BY name)")" = "a.example.test. b.example.test. c.example.test." ]
check "PTR targets get forward lookups (a.example.test A -> nxdomain)" [ "$(st A a.example.test.)" = "nxdomain:a.example.test.:" ]
check "broken zone -> servfail, not absent" [ "$(st A x.broken.test.)" = "servfail:x.broken.test.:" ]
check "forward to a dead server -> servfail" [ "$(st A x.dead.test.)" = "servfail:x.dead.test.:" ]
check "allow-query none -> refused" [ "$(st A y.refused.test.)" = "refused:y.refused.test.:" ]
check "hostile PTR: raw byte 0x0a (\\010) kept, flagged as control" \
	[ "$(q "SELECT hex(name)||'|'||(name_flags & 2) FROM dns_answers WHERE run_id=$run1 AND ip_text='192.0.2.30' AND qtype='PTR'")" = "$(printf 'evil\nbs.example.test.' | od -An -tx1 | tr -d ' \n' | tr a-f A-F)|2" ]
check "hostile PTR: space kept, flagged as whitespace" \
	[ "$(q "SELECT name||'|'||(name_flags & 32) FROM dns_answers WHERE run_id=$run1 AND ip_text='192.0.2.31' AND qtype='PTR'")" = "has space.example.test.|32" ]
check "hostile PTR: <script> kept raw, flagged html" \
	[ "$(q "SELECT name||'|'||(name_flags & 256) FROM dns_answers WHERE run_id=$run1 AND ip_text='192.0.2.32' AND qtype='PTR'")" = "<script>x</script>.example.test.|256" ]
check "63-octet label kept whole" \
	[ "$(q "SELECT length(name) FROM dns_answers WHERE run_id=$run1 AND ip_text='192.0.2.33' AND qtype='PTR'")" = "77" ]
check "a dot inside a label is escaped (dot\\.inside)" \
	[ "$(q "SELECT name FROM dns_answers WHERE run_id=$run1 AND ip_text='192.0.2.34' AND qtype='PTR'")" = 'dot\.inside.example.test.' ]
check "PTR RRset of 40 long names (> 512 bytes: TCP fallback) -> 40 rows" \
	[ "$(q "SELECT count(*) FROM dns_answers WHERE run_id=$run1 AND ip_text='192.0.2.50' AND qtype='PTR' AND status='ok'")" = "40" ]
check "A RRset of 60 (> 512 bytes: TCP fallback) -> 60 rows" \
	[ "$(q "SELECT count(*) FROM dns_answers WHERE run_id=$run1 AND qname='big.example.test.' AND qtype='A' AND status='ok'")" = "60" ]
check "summary on stderr has counts per status" grep -q "ok [0-9]* nxdomain [0-9]* nodata [0-9]* servfail [0-9]* refused [0-9]* timeout 0 error 0" "$TMP/err1"
check "run row: status ok, stats JSON has per-status counts" \
	[ "$(q "SELECT status||'|'||json_extract(stats,'\$.status.servfail')||'|'||json_extract(stats,'\$.status.refused') FROM runs WHERE id=$run1")" = "ok|4|2" ]

# --- truncation: prove c-ares falls back to TCP (IGNTC keeps the truncated UDP answer)
IPDRIFT_DNS_IGNTC=1 inns "$BIN" -q resolve $S --ptr 192.0.2.50/32 --json --no-store >"$TMP/igntc.json"
n_tc=$(grep -c '"status":"ok"' "$TMP/igntc.json")
inns "$BIN" -q resolve $S --ptr 192.0.2.50/32 --json --no-store >"$TMP/tcp.json"
n_full=$(grep -c '"status":"ok"' "$TMP/tcp.json")
check "truncated UDP answer has fewer PTRs ($n_tc) than the TCP retry ($n_full = 40)" \
	[ "$n_tc" -lt 40 ] && [ "$n_full" -eq 40 ]

# --- a server that never answers -> timeout, recorded, never absent --------
t0=$(date +%s%N)
inns "$BIN" resolve --server 127.0.0.1:10099 --timeout 200 --tries 2 --ptr 192.0.2.10/31 >/dev/null 2>"$TMP/err2"
rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
run2=$(q "SELECT max(id) FROM runs WHERE kind='resolve'")
check "silent server: exit 75 (no server answered) (rc=$rc)" [ "$rc" -eq 75 ]
check "silent server: both lookups stored as timeout" \
	[ "$(q "SELECT group_concat(status||'@'||server, ' ') FROM dns_answers WHERE run_id=$run2")" = "timeout@127.0.0.1:10099 timeout@127.0.0.1:10099" ]
check "silent server: no nxdomain/nodata rows" [ "$(q "SELECT count(*) FROM dns_answers WHERE run_id=$run2 AND status IN ('nxdomain','nodata')")" = "0" ]
check "silent server: gave up after 2 tries of 200 ms (took $ms ms)" [ "$ms" -ge 380 ] && [ "$ms" -lt 3000 ]
check "silent server: warning says unknown, not absent" grep -q "unknown, not absent" "$TMP/err2"

# --- SIGINT: run marked interrupted, unfinished lookups not stored as anything
ip netns exec "$NS" "$BIN" -q resolve --server 127.0.0.1:10099 --timeout 1000 --ptr 192.0.2.0/24 >/dev/null 2>&1 &
pid=$!
sleep 0.5
kill -INT "$pid"
wait "$pid"
rc=$?
run3=$(q "SELECT max(id) FROM runs WHERE kind='resolve'")
check "SIGINT: exit 130 (rc=$rc), run interrupted, no rows for the unfinished lookups" \
	[ "$rc" -eq 130 ] && [ "$(q "SELECT status FROM runs WHERE id=$run3")" = interrupted ] && \
	[ "$(q "SELECT count(*) FROM dns_answers WHERE run_id=$run3")" = 0 ]

# --- second server answers when the first never does
inns "$BIN" -q resolve --server 127.0.0.1:10099 $S --timeout 200 --tries 1 --ptr 192.0.2.10/32 --json --no-store >"$TMP/fo.json"
check "failover: answer from the second server is recorded with that server" \
	grep -q '"name":"web.example.test.","status":"ok","ttl":3600,"server":"127.0.0.1:10053"' "$TMP/fo.json"

# --- --ptr range + --json --------------------------------------------------
inns "$BIN" -q resolve $S --ptr 192.0.2.0/26 --json >"$TMP/range.json"
check "--ptr /26: 64 addresses -> 105 JSON lines (RRsets of 3 and 40)" \
	[ "$(grep -c '"qtype":"PTR"' "$TMP/range.json")" -eq $((64 + 2 + 39)) ]
check "--json escapes control bytes (\\n) and keeps <script> as data" \
	grep -q '"name":"evil\\nbs.example.test."' "$TMP/range.json"
inns "$BIN" -q resolve $S --ptr 2001:db8:0:1::/123 --json --no-store >"$TMP/v6.json"
check "--ptr over an IPv6 /123: 32 nibble-reversed lookups, ::10 -> web, the rest nxdomain" \
	[ "$(grep -c '"qtype":"PTR"' "$TMP/v6.json")" = 32 ] && \
	[ "$(grep '"status":"ok"' "$TMP/v6.json" | grep -c '"address":"2001:db8:0:1::10","qtype":"PTR","qname":"0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.","name":"web.example.test."')" = 1 ] && \
	[ "$(grep -c '"status":"nxdomain"' "$TMP/v6.json")" = 31 ]
printf 'PTR 192.0.2.7 ok 60 seven.example.\n' >"$TMP/fx"
"$BIN" -q resolve --fake "$TMP/fx" --ptr 192.0.2.0/24 --ptr 192.0.2.0/25 --ptr 192.0.2.0/24 \
	--ptr 192.0.2.7 --ptr 198.51.100.0/30 --json --no-store >"$TMP/ovl.json"
check "--ptr ranges inside others are asked once (256 + 4 lookups), fake backend answers" \
	[ "$(wc -l <"$TMP/ovl.json")" = 260 ] && [ "$(grep -c '"name":"seven.example."' "$TMP/ovl.json")" = 1 ]
check "--ptr over a /15 is refused without --force" \
	bash -c "! '$BIN' -q resolve $S --ptr 198.18.0.0/15 --no-store 2>/dev/null"
check "--ptr range rows stored (64 PTR queries -> nxdomain for the empty ones)" \
	[ "$(q "SELECT count(*) FROM dns_answers WHERE run_id=(SELECT max(id) FROM runs WHERE kind='resolve') AND status='nxdomain'")" -ge 50 ]

echo "1..$n"
[ "$failed" -eq 0 ]
