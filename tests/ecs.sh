#!/bin/sh
# ECS values (ecs.c, through ecs_field()) against Elastic's own pipeline-test output
# (shared/conformance/elastic-pipeline): for every input record that has an expected
# document, every leaf field of that document is either compared (same values, in order)
# or listed as not filled, with the reason ecs.c gives. Skips when ../shared is absent.
dir=../shared/conformance/elastic-pipeline
[ -d "$dir" ] || { echo "no $dir"; exit 77; }
py=/usr/bin/python3
[ -x "$py" ] || { echo "skipped: $py not found"; exit 77; }
# Under the sanitizer build, Python's own allocations at exit are not ours to report.
ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" "$py" tests/tools/ecs_compare.py "$EXT" "$dir"
