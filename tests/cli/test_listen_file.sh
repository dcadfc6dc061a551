#!/bin/bash
# tests/cli/test_listen_file.sh BUILDDIR: `ipdrift listen -r` reads files
# ahead on a second thread (scanner/readahead.c). Checks that every frame
# comes through once and in order across many 1 MiB blocks (frame count
# against a bare pcap_next_ex loop, and --json output identical when read
# alone and as the second of two files), that --count stops early, and that
# a file cut in the middle of a record reports libpcap's error, exits 74 and
# still counts every frame before the cut (a use-after-free of the reader's
# last block on that path crashed about one run in two before the fix).
set -u
cd "$(dirname "$0")/../.."
BUILD=${1:-build}
BIN=$BUILD/ipdrift
TOOLS=$BUILD/tools
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 fail=0
check() { # check DESCRIPTION COMMAND...
	n=$((n + 1))
	if "${@:2}"; then echo "ok $n - $1"; else echo "not ok $n - $1"; fail=$((fail + 1)); fi
}
frames() { sed -n 's/.*"counters":{"frames":\([0-9]*\),.*/\1/p' "$1"; }
if [ ! -x "$TOOLS/gen_bench_pcap" ] || [ ! -x "$TOOLS/bench_pcap_floor" ]; then
	echo "1..0 # SKIP $TOOLS not built (make tools)"
	exit 0
fi
echo "1..15"

small=tests/pcap/arp_request_reply.pcap   # 3 frames
"$BIN" -q --db "$tmp/x.db" listen --no-store --json -r "$small" >"$tmp/small.json"
check "small file: exit 0, 3 frames" test "$?-$(frames "$tmp/small.json")" = "0-3"

# 200,000 frames, ~20 MiB: about twenty read-ahead blocks.
"$TOOLS/gen_bench_pcap" "$tmp/big.pcap" 200000 2000 >/dev/null
want=$("$TOOLS/bench_pcap_floor" "$tmp/big.pcap" | awk '{print $2}')
"$BIN" -q listen --no-store --json -r "$tmp/big.pcap" >"$tmp/big.json"
check "big file: exit 0, every frame ($want)" test "$?-$(frames "$tmp/big.json")" = "0-$want"
grep -v '"type":"counters"' "$tmp/big.json" | sed 's/"iface":"[^"]*"//' >"$tmp/big.body"
check "big file: observations and events written" test "$(wc -l <"$tmp/big.body")" -gt 2000

"$BIN" -q listen --no-store --json -r "$small" -r "$tmp/big.pcap" >"$tmp/two.json"
check "two files: frames add up" test "$(frames "$tmp/two.json")" = "$((want + 3))"
# The big file's events come out the same after another file (order kept).
grep '"type":"event"' "$tmp/big.json" | sed 's/"iface":"[^"]*"//' >"$tmp/ev1"
grep '"type":"event"' "$tmp/two.json" | grep -v 'arp_request_reply' | sed 's/"iface":"[^"]*"//' >"$tmp/ev2"
check "two files: big file's events identical and in order" cmp -s "$tmp/ev1" "$tmp/ev2"

"$BIN" -q listen --no-store --json --count 12345 -r "$tmp/big.pcap" >"$tmp/count.json"
check "--count 12345 stops at 12345 frames" test "$?-$(frames "$tmp/count.json")" = "0-12345"

# Files cut at several points about 9 MiB in (inside a record header, inside
# its data, on a boundary), each read 3 times: ipdrift agrees with the bare
# libpcap loop on the frame count and on whether the file is damaged.
size=$(stat -c %s "$tmp/big.pcap")
damaged=0
for k in 3 7 20 33 100 1000; do
	head -c $((size / 2 + k)) "$tmp/big.pcap" >"$tmp/cut.pcap"
	cut_want=$("$TOOLS/bench_pcap_floor" "$tmp/cut.pcap" 2>"$tmp/floor.err" | awk '{print $2}')
	want_rc=0
	[ -s "$tmp/floor.err" ] && want_rc=74 && damaged=$((damaged + 1))
	ok=1
	for i in 1 2 3; do
		"$BIN" listen --no-store --json -r "$tmp/cut.pcap" >"$tmp/cut.json" 2>"$tmp/cut.err"
		rc=$?
		[ "$rc" = "$want_rc" ] && [ "$(frames "$tmp/cut.json")" = "$cut_want" ] || ok=0
		if [ "$want_rc" = 74 ]; then
			grep -q 'cut.pcap: .*truncated' "$tmp/cut.err" || ok=0
		fi
	done
	check "cut at +$k: exit $want_rc, $cut_want frames (as libpcap), 3 runs" test "$ok" = 1
done
check "some cuts land inside a record (error path exercised)" test "$damaged" -ge 3

# The store gets exactly the events printed: kind, detail and the raw
# hostname bytes travel to the writer thread in per-chunk arenas
# (scanner/passive_store.c). Compared in order, with a hostile hostname too.
if command -v sqlite3 >/dev/null; then
	"$BIN" -q --db "$tmp/s.db" listen --json -r "$tmp/big.pcap" \
		-r tests/pcap/dhcp_hostile_hostname.pcap >"$tmp/s.json"
	python3 - "$tmp/s.json" >"$tmp/ev.printed" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e.get("type") == "event":
        print(e["kind"], json.dumps(e["detail"], sort_keys=True), e.get("raw_hex", "").upper())
PY
	sqlite3 -json "$tmp/s.db" "select kind, detail, hex(raw) as raw from events order by id" |
		python3 -c '
import json, sys
for e in json.load(sys.stdin):
    print(e["kind"], json.dumps(json.loads(e["detail"]), sort_keys=True), e["raw"] or "")' >"$tmp/ev.stored"
	check "store: $(wc -l <"$tmp/ev.stored") events, same as printed and in order" \
		cmp -s "$tmp/ev.printed" "$tmp/ev.stored"
	check "store: the hostile hostname's raw bytes kept" \
		sh -c "grep -q '^dhcp hostname .*[0-9A-F]\{8,\}\$' '$tmp/ev.stored'"
else
	echo "ok 14 - store events # SKIP no sqlite3"
	echo "ok 15 - store raw bytes # SKIP no sqlite3"
fi
[ "$fail" -eq 0 ]
