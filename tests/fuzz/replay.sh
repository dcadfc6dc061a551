#!/bin/sh
# replay.sh BINARY CORPUS_DIR: one TAP line per corpus replay.
bin=$1 dir=$2
if "$bin" "$dir"; then echo "ok 1 - $(basename "$bin") corpus replay"; else echo "not ok 1 - $(basename "$bin") corpus replay"; exit 1; fi
