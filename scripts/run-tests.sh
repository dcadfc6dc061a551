#!/bin/bash
# Runs every test suite and ends with one line: "N passed, N failed".
# Every test program prints TAP lines ("ok ..." / "not ok ..."); a program that
# exits non-zero without a "not ok" line counts as one failure.
#   SUITES="unit asan pcap fuzz shared config lab"   (default: all)
#   BUILD=build                                normal build dir
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
ASAN=build/asan
SUITES=${SUITES:-unit asan cli pcap fuzz shared config report lab}
LOGDIR=$BUILD/test-logs
mkdir -p "$LOGDIR"
pass=0 fail=0 skip=0
failed_names=()
export CMOCKA_MESSAGE_OUTPUT=TAP
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# run NAME CMD...: run one test program, tally its TAP lines
run() {
	local name=$1; shift
	local log="$LOGDIR/$(echo "$name" | tr '/ ' '__').log"
	local rc
	"$@" >"$log" 2>&1 </dev/null
	rc=$?
	local p f s
	p=$(grep -cE '^ok [0-9]+' "$log")
	local okskip
	okskip=$(grep -cE '^ok [0-9]+.*# *(SKIP|skip)' "$log")
	# cmocka's TAP writes a skip() as "not ok N - name # SKIP": a skip too.
	s=$(grep -cE '^(not )?ok [0-9]+.*# *(SKIP|skip)' "$log")
	# TAP: a "not ok ... # TODO" is a known failure, not a failure
	f=$(grep -E '^not ok [0-9]+' "$log" | grep -cvE '# *(TODO|SKIP|skip)')
	p=$((p - okskip))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	# A whole program skipped on purpose: TAP plan "1..0 # SKIP reason".
	if [ "$rc" -eq 0 ] && [ "$p" -eq 0 ] && [ "$f" -eq 0 ] && grep -qE '^1\.\.0 *# *(SKIP|skip)' "$log"; then
		s=1
	fi
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ] && [ "$s" -eq 0 ]; then
		f=1   # a test program that asserted nothing is a defect
		echo "not ok - $name ran no test" >>"$log"
	fi
	pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
	if [ "$f" -gt 0 ]; then
		failed_names+=("$name")
		echo "FAIL $name (rc=$rc, log $log)"
		grep -E '^not ok|ERROR|Sanitizer|runtime error' "$log" | head -20 | sed 's/^/    /'
	else
		printf 'ok   %-40s %d passed%s\n' "$name" "$p" "$([ "$s" -gt 0 ] && echo ", $s skipped")"
		grep -E '^not ok [0-9]+.*# *TODO' "$log" | sed 's/^/    known failure: /'
	fi
}

for suite in $SUITES; do
	case $suite in
	unit)
		for t in "$BUILD"/tests/test_*; do [ -x "$t" ] && run "unit/$(basename "$t")" "$t"; done ;;
	asan)
		for t in "$ASAN"/tests/test_*; do [ -x "$t" ] && run "asan/$(basename "$t")" "$t"; done ;;
	pcap)
		[ -x tests/pcap/run.sh ] && run "pcap/golden" tests/pcap/run.sh "$BUILD"
		[ -x tests/pcap/run.sh ] && [ -d "$ASAN" ] && [ "$BUILD" != "$ASAN" ] && \
			run "asan/pcap-golden" tests/pcap/run.sh "$ASAN" ;;
	fuzz)
		for t in "$ASAN"/fuzz-replay/fuzz_*; do
			[ -x "$t" ] || continue
			n=$(basename "$t")
			[ -d "tests/fuzz/corpus/$n" ] && run "fuzz/$n" tests/fuzz/replay.sh "$t" "tests/fuzz/corpus/$n"
		done ;;
	shared)
		[ -x tests/pcap/shared.sh ] && run "asan/shared-pcaps" tests/pcap/shared.sh "$ASAN" ;;
	config)
		[ -x tests/config/run.sh ] && run "config/golden" tests/config/run.sh "$BUILD" ;;
	cli)
		for t in tests/cli/test_*.sh; do [ -x "$t" ] && run "cli/$(basename "$t" .sh)" "$t" "$BUILD"; done ;;
	report)
		[ -x tests/report/run.sh ] && run "report/golden" tests/report/run.sh "$BUILD"
		if [ -x tests/report/browser.sh ]; then
			if [ "$(id -u)" -ne 0 ]; then echo "skip report/browser (needs root for its netns)"; skip=$((skip + 1))
			else run "report/browser" timeout 300 tests/report/browser.sh "$BUILD"; fi
		fi ;;
	lab)
		for t in tests/lab/test_*.sh; do
			[ -f "$t" ] || continue
			if [ "$(id -u)" -ne 0 ]; then echo "skip $t (needs root)"; skip=$((skip + 1)); continue; fi
			run "lab/$(basename "$t" .sh)" timeout 900 bash "$t"
		done ;;
	*) echo "unknown suite $suite" >&2; exit 2 ;;
	esac
done

[ ${#failed_names[@]} -gt 0 ] && echo "failed: ${failed_names[*]}"
if [ "$skip" -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ "$fail" -eq 0 ]
