#!/bin/bash
# tests/pcap/shared.sh BUILDDIR: every capture under ../shared/testdata/pcaps/
# (real files from elsewhere, many crafted to crash dissectors) through
# `ipdrift listen -r` -- meant for the ASan+UBSan build. One TAP line per
# file: fails on a crash, a sanitizer report, a hang (timeout), or counters
# that do not add up (frames = decoded + skipped + truncated + invalid).
# Files libpcap cannot open (not a capture) must be refused cleanly (exit 66).
set -u
cd "$(dirname "$0")/../.."
BUILD=${1:-build/asan}
BIN=$BUILD/ipdrift
DIR=${SHARED_PCAPS:-../shared/testdata/pcaps}
if [ ! -d "$DIR" ]; then
	echo "1..0 # SKIP $DIR not present"
	exit 0
fi
if [ ! -x "$BIN" ]; then
	echo "1..0 # SKIP $BIN not built"
	exit 0
fi
mapfile -t files < <(find "$DIR" -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' \
	-o -name '*.pcap.gz' -o -name '*.ntar' \) | sort)
echo "1..${#files[@]}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 fail=0 frames_total=0
for f in "${files[@]}"; do
	n=$((n + 1))
	name=${f#"$DIR"/}
	timeout 30 "$BIN" -q listen --no-store --json -r "$f" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	why=
	if [ $rc -eq 124 ]; then why="hang (timeout)"
	elif [ $rc -ge 128 ]; then why="killed by signal $((rc - 128))"
	elif grep -qE 'Sanitizer|runtime error|LeakSanitizer' "$tmp/err"; then why="sanitizer report"
	elif [ $rc -eq 66 ]; then
		echo "ok $n - $name # SKIP libpcap cannot open it: $(head -c 120 "$tmp/err" | tr '\n' ' ')"
		continue
	elif [ $rc -ne 0 ] && [ $rc -ne 74 ]; then why="exit $rc"
	else
		c=$(grep '"type":"counters"' "$tmp/out")
		if [ -z "$c" ]; then why="no counters line"
		else
			read -r fr de sk tr in < <(echo "$c" | sed -E 's/.*"frames":([0-9]+),"decoded":([0-9]+),"skipped":([0-9]+),"truncated":([0-9]+),"invalid":([0-9]+).*/\1 \2 \3 \4 \5/')
			if [ "$fr" -ne $((de + sk + tr + in)) ]; then why="counters: $fr != $de+$sk+$tr+$in"; fi
			frames_total=$((frames_total + fr))
		fi
	fi
	if [ -n "$why" ]; then
		echo "not ok $n - $name: $why"
		grep -E 'ERROR|runtime error|SUMMARY' "$tmp/err" | head -5 | sed 's/^/# /'
		fail=$((fail + 1))
	else
		echo "ok $n - $name"
	fi
done
echo "# $n files, $frames_total frames"
[ $fail -eq 0 ]
