# Property test: every pushed-down query returns exactly the rows of the same query written
# with +column (which SQLite cannot push down), on the sample data, the damaged fixtures, the
# test fixtures, the salvage fixtures (tests/tools/salvage_fixtures.py) and a generated corpus
# of odd and hostile records (tests/tools/hostile_corpus.py). The queries: tests/twins.py.
# Skips (exit 77) where /usr/bin/python3 is absent.
py=/usr/bin/python3
if [ ! -x "$py" ]; then
  echo "skipped: $py not found"
  exit 77
fi
# Under the sanitizer build, Python's own allocations at exit are not ours to report.
ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0"
export ASAN_OPTIONS
rm -rf build/tmp/twins && mkdir -p build/tmp/twins
"$py" tests/tools/hostile_corpus.py build/tmp/twins/hostile || exit 1
"$py" tests/tools/salvage_fixtures.py build/tmp/twins/salvage >/dev/null || exit 1
"$py" tests/twins.py "$EXT" 8 150 \
  sample=data/AWSLogs damaged=data/damaged fixtures=tests/fixtures hostile=build/tmp/twins/hostile \
  salvage=build/tmp/twins/salvage
