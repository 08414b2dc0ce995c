#!/bin/sh
# Every KQL ("kuery") rule of both vendored Elastic packs compiled by kql.c: per pack, how
# many compile, and each failure with kql_compile's reason. For every rule that compiles,
# tests/tools/kql_examples.py builds from the rule's own query one record that must match
# and near misses that must not, and kql_match() is checked on them. Reads the packs from
# ../shared; skips (77) when they or /usr/bin/python3 (tomllib) are absent.
dir=../shared/rules/elastic-aws
[ -d "$dir" ] || { echo "no $dir"; exit 77; }
py=/usr/bin/python3
ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" "$py" -c 'import tomllib' 2>/dev/null || { echo "skipped: no $py with tomllib"; exit 77; }
ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" "$py" tests/tools/kql_examples.py "$EXT" "$dir"
