#!/bin/bash
# Report and fix golden tests from a fixed store (fixture.sql), plus
# structural checks of every output (valid JSON/NDJSON, RFC 4180 CSV with
# formula defence, HTML without live markup from data, nsupdate without
# injected commands). TAP output.
#   tests/report/run.sh [BUILD]        compare with tests/report/golden/
#   UPDATE=1 tests/report/run.sh       rewrite the golden files
set -u
cd "$(dirname "$0")/../.."
BUILD=${1:-build}
BIN=$PWD/$BUILD/ipdrift
[ -x "$BIN" ] || BIN=$PWD/ipdrift
GOLD=$PWD/tests/report/golden
SRC=$PWD/tests/report
T=$(mktemp -d /tmp/ipd-report-XXXXXX)
trap 'rm -rf "$T"' EXIT
n=0 fail=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
nok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n - $*"; }

export SOURCE_DATE_EPOCH=1700000100
cd "$T"
"$BIN" --db fixture.db init >/dev/null && sqlite3 fixture.db < "$SRC/fixture.sql" \
	&& ok "fixture store loaded" || nok "fixture store loaded"
ipd() { "$BIN" --db fixture.db "$@"; }

# name|command...
cases=(
	"report.json|report --format json"
	"report.ndjson|report --format ndjson"
	"findings.csv|report --format csv"
	"hosts.csv|report --format csv --what hosts"
	"report.html|report --format html"
	"run3.json|report --format json --run 3 --what findings"
	"fix.nsupdate|fix --nsupdate --server 127.0.0.1:10053 --ttl 3600"
	"fix-plan.txt|fix --nsupdate --server [2001:db8::53]:5353 --dry-run"
	"ipam-netbox.csv|fix --ipam-csv - --format netbox"
	"ipam-native.csv|fix --ipam-csv - --format native"
)
for c in "${cases[@]}"; do
	name=${c%%|*} args=${c#*|}
	# shellcheck disable=SC2086
	if ipd $args >"$name" 2>"$name.err"; then ok "$name: ipdrift $args"; else nok "$name: ipdrift $args (rc $?)"; cat "$name.err"; fi
	if [ "${UPDATE:-0}" = 1 ]; then
		cp "$name" "$GOLD/$name"
	elif cmp -s "$name" "$GOLD/$name"; then
		ok "$name matches golden"
	else
		nok "$name differs from golden"; diff -u "$GOLD/$name" "$name" | head -20 | sed 's/^/# /'
	fi
done

# -o: created 0640, refuses to overwrite, --force replaces
ipd report --format json -o out.json 2>/dev/null && [ "$(stat -c %a out.json)" = 640 ] \
	&& ok "-o creates mode 0640" || nok "-o creates mode 0640"
echo keep >keep.json
ipd report --format json -o keep.json 2>/dev/null; rc=$?
[ $rc -eq 73 ] && [ "$(cat keep.json)" = keep ] && ok "existing file not replaced (rc 73)" || nok "existing file not replaced (rc $rc)"
ipd report --format json -o keep.json --force 2>/dev/null && cmp -s keep.json report.json \
	&& ok "--force replaces" || nok "--force replaces"
ipd fix --nsupdate --server 127.0.0.1 -o fix.out 2>/dev/null && [ "$(stat -c %a fix.out)" = 640 ] \
	&& ok "fix -o mode 0640" || nok "fix -o mode 0640"
ipd fix --nsupdate --server 127.0.0.1 -o fix.out 2>/dev/null; [ $? -eq 73 ] && ok "fix refuses to overwrite" || nok "fix refuses to overwrite"
ipd fix --nsupdate --server '127.0.0.1
update delete web' 2>/dev/null; [ $? -eq 64 ] && ok "--server with a newline refused" || nok "--server with a newline refused"
ipd report --format pdf 2>/dev/null; [ $? -eq 64 ] && ok "unknown format: usage error" || nok "unknown format: usage error"
ipd report --format csv --what all 2>/dev/null; [ $? -eq 64 ] && ok "csv --what all refused" || nok "csv --what all refused"
ipd report --format json --run 999 2>/dev/null; [ $? -eq 65 ] && ok "unknown run: data error" || nok "unknown run: data error"

python3 "$SRC/check_outputs.py" "$T" && ok "structural checks (check_outputs.py)" || nok "structural checks (check_outputs.py)"

# DHCP hostnames reach the host they belong to, by the event's ip or, when
# the event has no ip, by its MAC; never another host (db_rpt_hosts reads them
# once per report into a TEMP table: the names and their order must be those
# of the per-host UNION: sorted, deduplicated with the lease's name)
mkdir -p dhcpn && cd dhcpn
ipb() { python3 -c "import ipaddress,sys; print(\"X'\" + ('00'*10 + 'ffff' + ipaddress.ip_address(sys.argv[1]).packed.hex()).upper() + \"'\")" "$1"; }
A=$(ipb 198.51.100.20) B=$(ipb 198.51.100.21) C=$(ipb 198.51.100.22) Z=$(ipb 198.51.100.99)
"$BIN" --db d.db init >/dev/null && sqlite3 d.db <<SQL && ok "dhcp names store made" || nok "dhcp names store made"
INSERT INTO sources (id, name, kind, format, path, imported, rows) VALUES (1, 'dhcpd', 'leases', 'isc-dhcpd', '/l', 1700000000, 1);
INSERT INTO observations (ip, ip_text, family, mac, vlan, method, first_seen, last_seen) VALUES
 ($A, '198.51.100.20', 4, '52:54:00:00:02:20', 0, 'dhcp', 1700000000, 1700000050),
 ($A, '198.51.100.20', 4, '52:54:00:00:02:23', 0, 'arp-passive', 1700000000, 1700000050),
 ($B, '198.51.100.21', 4, '52:54:00:00:02:21', 0, 'dhcp', 1700000000, 1700000050),
 ($C, '198.51.100.22', 4, '52:54:00:00:02:22', 0, 'dhcp', 1700000000, 1700000050);
INSERT INTO leases (source_id, ip, ip_text, mac, hostname, active) VALUES (1, $B, '198.51.100.21', '52:54:00:00:02:21', 'mac-b', 1);
INSERT INTO events (at, kind, ip, ip_text, mac, raw) VALUES
 (1700000001, 'dhcp hostname', $A, '198.51.100.20', '52:54:00:00:02:99', CAST('zeta-a' AS BLOB)),
 (1700000002, 'dhcp hostname', $A, '198.51.100.20', '52:54:00:00:02:99', CAST('alpha-a' AS BLOB)),
 (1700000003, 'dhcp hostname', $A, '198.51.100.20', '52:54:00:00:02:20', CAST('alpha-a' AS BLOB)),
 (1700000004, 'dhcp hostname', NULL, NULL, '52:54:00:00:02:21', CAST('mac-b' AS BLOB)),
 (1700000005, 'dhcp hostname', NULL, NULL, '52:54:00:00:02:21', CAST('mac-b' AS BLOB)),
 (1700000006, 'dhcp hostname', NULL, NULL, '52:54:00:00:02:21', CAST('Mac-B' AS BLOB)),
 (1700000007, 'dhcp hostname', NULL, NULL, '52:54:00:00:02:21', X'6E756C006279'),
 (1700000008, 'dhcp hostname', NULL, NULL, '52:54:00:00:02:21', X''),
 (1700000009, 'dhcp hostname', NULL, NULL, '52:54:00:00:02:21', NULL),
 (1700000010, 'dhcp client', NULL, NULL, '52:54:00:00:02:21', CAST('not-a-name' AS BLOB)),
 (1700000011, 'dhcp hostname', $Z, '198.51.100.99', '52:54:00:00:02:22', CAST('other-ip' AS BLOB)),
 (1700000012, 'dhcp hostname', NULL, NULL, '52:54:00:00:02:98', CAST('nobody' AS BLOB));
SQL
"$BIN" --db d.db report --format csv --what hosts 2>/dev/null | tr -d '\r' | cut -d, -f1,2,13 >names.csv
cat >want.csv <<'EOF2'
ip,mac,dhcp_names
198.51.100.20,52:54:00:00:02:20,alpha-a | zeta-a
198.51.100.20,52:54:00:00:02:23,alpha-a | zeta-a
198.51.100.21,52:54:00:00:02:21,Mac-B | mac-b | nul\x00by
198.51.100.22,52:54:00:00:02:22,
EOF2
if cmp -s want.csv names.csv; then ok "dhcp names by ip and by MAC, only for their host"
else nok "dhcp names by ip and by MAC, only for their host"; diff -u want.csv names.csv | sed 's/^/# /'; fi
cd ..

# the same outputs from a store whose every text column is hostile
mkdir -p hostile && cd hostile
"$BIN" --db h.db init >/dev/null && sqlite3 h.db <"$SRC/fixture.sql" &&
	python3 "$SRC/hostile_store.py" h.db && ok "hostile store made" || nok "hostile store made"
hcases=(
	"report.json|report --format json" "report.ndjson|report --format ndjson"
	"findings.csv|report --format csv" "hosts.csv|report --format csv --what hosts"
	"report.html|report --format html" "fix.nsupdate|fix --nsupdate --server 127.0.0.1"
	"ipam-netbox.csv|fix --ipam-csv -" "ipam-native.csv|fix --ipam-csv - --format native"
)
for c in "${hcases[@]}"; do
	name=${c%%|*} args=${c#*|}
	# shellcheck disable=SC2086
	"$BIN" --db h.db $args >"$name" 2>/dev/null && ok "hostile store: ipdrift $args" || nok "hostile store: ipdrift $args (rc $?)"
done
python3 "$SRC/check_hostile.py" . && ok "hostile store: outputs well formed (check_hostile.py)" \
	|| nok "hostile store: outputs well formed (check_hostile.py)"
cd ..

echo "1..$n"
[ "$fail" -eq 0 ]
