#!/bin/sh
# Regenerate tests/report/golden/ from fixture.sql after an intended output change.
# Review the diff (git diff tests/report/golden) before committing.
exec env UPDATE=1 "$(dirname "$0")/run.sh" "$@"
