# The pushdown property test (tests/twins.py) on the public corpus in ../shared/data/real
# (tests/values_real.sh has the queries that showed region pruning changing answers there).
# Skips (exit 77) where that folder or /usr/bin/python3 is absent.
py=/usr/bin/python3
real=../shared/data/real
if [ ! -f "$real/MANIFEST.csv" ] || [ ! -x "$py" ]; then
  echo "skipped: $real or $py not found"
  exit 77
fi
ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" "$py" tests/twins.py "$EXT" 8 25 real=$real
