#!/bin/sh
# Every supported KQL rule of both packs through detect(): tests/tools/detect_examples.py
# reads the rules from the extension's own cloudtrail_rules table, builds from each rule's
# query a must-match record and near misses (wrong case, other provider, the other outcome),
# writes them to build/tmp/detect_rules/PACK/RULE.N.json, and checks that
#   detect('path:FILE') WHERE pack = PACK AND rule_id = RULE
# gives exactly one alert, with the must-match record's eventID. threshold and new_terms
# rules have their cases ready and run once detect runs those types; until then they are
# counted as "not run". A rule it cannot build a record for is listed with the reason.
# Skips (77) without /usr/bin/python3 able to load extensions.
py=/usr/bin/python3
ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0"
export ASAN_OPTIONS
"$py" -c 'import sqlite3; sqlite3.connect(":memory:").enable_load_extension' 2>/dev/null \
  || { echo "skipped: no $py with sqlite3 extension loading"; exit 77; }
rm -rf build/tmp/detect_rules && mkdir -p build/tmp/detect_rules
"$py" tests/tools/detect_examples.py "$EXT" build/tmp/detect_rules
