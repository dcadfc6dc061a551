#!/bin/bash
# tests/cli/test_readahead.sh BUILDDIR: `listen -r` reads classic pcap files
# with its own direct reader (scanner/readahead.c) and hands anything
# unusual back to libpcap. tests/tools/ra_compare reads a file both ways,
# through the read-ahead and with a bare pcap_next_ex loop, and fails on
# any difference (time stamp, lengths, bytes, end of file, error message).
# Run on: byte-order, nanosecond and snaplen variants, records crossing
# 1 MiB blocks, a mid-file record longer than the snapshot length (libpcap
# cuts it and reads on), an absurd captured length (libpcap's error), cut
# files, format 2.3 (libpcap only), the golden captures and every capture
# in ../shared/testdata/pcaps; then `listen` itself must see the same
# observations and events in a file whatever its byte order and time unit.
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
if [ ! -x "$TOOLS/ra_compare" ] || [ ! -x "$TOOLS/gen_bench_pcap" ]; then
	echo "1..0 # SKIP $TOOLS not built (make tools)"
	exit 0
fi
echo "1..21"

"$TOOLS/gen_bench_pcap" "$tmp/src.pcap" 5000 200 >/dev/null
python3 tests/cli/pcap_variants.py "$tmp/src.pcap" "$tmp/v"
# line FILE: ra_compare's verdict for one file
line() { "$TOOLS/ra_compare" "$1" 2>&1; }
# expect FILE DIRECT LIBPCAP [ERROR]: identical to libpcap, read this way
expect() {
	local out
	out=$(line "$1")
	case $out in "ok "*) ;; *) echo "    $out"; return 1 ;; esac
	case $out in *" direct=$2 libpcap=$3"*) ;; *) echo "    $out"; return 1 ;; esac
	if [ -n "${4:-}" ]; then
		case $out in *"error=$4"*) ;; *) echo "    $out"; return 1 ;; esac
	fi
}
v=$tmp/v
check "little-endian, odd time stamps: direct, identical" expect "$v/le.pcap" 3000 0
check "big-endian (unsigned time fields after the swap): direct, identical" expect "$v/be.pcap" 3000 0
check "nanoseconds: direct, identical" expect "$v/ns.pcap" 3000 0
check "big-endian nanoseconds: direct, identical" expect "$v/be_ns.pcap" 3000 0
check "snaplen 0 in the header: direct, identical" expect "$v/snap0.pcap" 3000 0
check "60,000-byte records across 1 MiB blocks: direct, identical" expect "$v/big.pcap" 60 0
check "records longer than the snaplen mid-file: libpcap from there, identical" \
	expect "$v/oversnap.pcap" 1500 1500
check "absurd captured length: libpcap's error, frames before it kept" \
	expect "$v/huge.pcap" 1000 0 "invalid packet capture length 300000"
check "format 2.3: libpcap only" expect "$v/v23.pcap" 0 3000
check "cut inside a record header: libpcap's error" \
	expect "$v/cut_hdr.pcap" 1 0 "truncated dump file; tried to read 16 header bytes, only got 7"
check "cut inside record data: libpcap's error" \
	expect "$v/cut_data.pcap" 1 0 "truncated dump file; tried to read"
check "cut after a record: clean end" expect "$v/cut_edge.pcap" 1 0
check "cut in the last record: libpcap's error after 2999 frames" \
	expect "$v/cut_late.pcap" 2999 0 "truncated dump file"

"$TOOLS/gen_bench_pcap" "$tmp/many.pcap" 200000 2000 >/dev/null
check "200,000 frames over ~20 blocks: direct, identical" expect "$tmp/many.pcap" 200000 0

"$TOOLS/ra_compare" tests/pcap/*.pcap tests/pcap/*.pcapng >"$tmp/golden" 2>&1
check "golden captures: identical ($(grep -c '^ok' "$tmp/golden") files)" test $? = 0
check "golden captures: classic files read directly, pcapng by libpcap" \
	sh -c "grep -q 'arp_request_reply.pcap frames=3 direct=3 libpcap=0' '$tmp/golden' &&
	       grep -q 'pcapng_mixed.pcapng .*direct=0' '$tmp/golden'"

DIR=${SHARED_PCAPS:-../shared/testdata/pcaps}
if [ -d "$DIR" ]; then
	find "$DIR" -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' \) -print0 |
		xargs -0 "$TOOLS/ra_compare" >"$tmp/shared" 2>&1
	# exit 2 = a file libpcap itself cannot open (not a capture): not ours
	grep -v '^ok \|^open ' "$tmp/shared" | head -5 | sed 's/^/    /'
	check "shared captures: every file identical both ways ($(grep -c '^ok' "$tmp/shared") files)" \
		sh -c "! grep -qv '^ok \|^open ' '$tmp/shared'"
	check "shared captures: the direct reader took some" grep -q 'direct=[1-9]' "$tmp/shared"
else
	echo "ok $((n + 1)) - shared captures # SKIP $DIR not present"
	echo "ok $((n + 2)) - shared captures # SKIP $DIR not present"
	n=$((n + 2))
fi

# listen itself: same observations and events whatever the byte order and
# time unit (nanoseconds 999 past each microsecond round down to it).
body() {
	"$BIN" -q listen --no-store --json -r "$1" | grep -v '"type":"counters"' |
		sed 's/"iface":"[^"]*"//'
}
body "$v/le.pcap" >"$tmp/le.json"
body "$v/be.pcap" >"$tmp/be.json"
body "$v/be_ns.pcap" >"$tmp/bens.json"
check "listen: the file's observations and events recorded" test "$(wc -l <"$tmp/le.json")" -gt 100
check "listen: big-endian file gives the same output" cmp -s "$tmp/le.json" "$tmp/be.json"
check "listen: big-endian nanosecond file gives the same output" cmp -s "$tmp/le.json" "$tmp/bens.json"

echo "# $n checks, $fail failed"
[ "$fail" -eq 0 ]
