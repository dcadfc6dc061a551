#!/bin/bash
# tests/pcap/update-golden.sh [BUILDDIR]: regenerate the generated captures
# (tests/tools/gen_pcaps), the fuzz seed corpus, and every <case>.expected
# from the current build. Review the diff before committing: the expected
# files are the specification.
set -eu
cd "$(dirname "$0")/../.."
BUILD=${1:-build}
make -s all tools
"$BUILD"/tools/gen_pcaps tests/pcap tests/fuzz/corpus/fuzz_frame
for f in tests/pcap/*.pcap tests/pcap/*.pcapng; do
	c=${f%.*}
	args=()
	[ -f "$c.args" ] && read -r -a args <"$c.args"
	"$BUILD"/ipdrift -q listen --no-store --json -r "$f" "${args[@]}" >"$c.expected"
done
git status --short tests/pcap tests/fuzz/corpus | head -50
