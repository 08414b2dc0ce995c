#!/bin/sh
# Build and run the cloudtrail fuzzers (libFuzzer, clang):
#
#   tests/fuzz/run.sh [SECONDS [TARGET...]]     (default: 60 seconds, every target)
#
# Builds build/fuzz/<target> for each tests/fuzz/fuzz_*.c (the extension's sources
# compiled in, with AddressSanitizer and UndefinedBehaviorSanitizer), builds the seed
# corpora once (tests/fuzz/seeds.sh into build/fuzz/corpus-<target>/; new inputs the
# fuzzer finds are kept there), then runs the targets one after another, SECONDS each,
# and prints for each the runs, the coverage, and whether it found anything. Crash,
# timeout and leak inputs go to build/fuzz/artifacts/. Exits 1 when a target found
# something, 2 when a build failed. The inputs in tests/fuzz/regressions/<target>/ are
# always part of the corpus, so a bug they once found is found again until it is fixed.
#
# Environment: CC (default clang), FUZZ_FLAGS (extra libFuzzer flags, e.g. -jobs=1 or
# -max_len=4096), CT_FUZZ_MAX_STARS (fuzz_args: skip inputs with more '*' than that),
# CT_FUZZ_IGNORE_KNOWN (all, or a list: switch off the checks of reported bugs; see
# tests/fuzz/README.md).
#
# To reproduce a finding: build/fuzz/<target> build/fuzz/artifacts/<target>-crash-...
set -u
SECS=${1:-60}
[ $# -gt 0 ] && shift
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SRC=$ROOT/tests/fuzz
OUT=$ROOT/build/fuzz
CC=${CC:-clang}
case "$CC" in *clang*) ;; *) CC=clang ;; esac      # make's default CC=cc cannot do -fsanitize=fuzzer
TARGETS=${*:-$(cd "$SRC" && ls fuzz_*.c | sed 's/\.c$//')}
mkdir -p "$OUT/artifacts"

if ! command -v "$CC" >/dev/null 2>&1; then
  echo "run.sh: $CC not found (libFuzzer needs clang)"; exit 2
fi
PKGS="sqlite3 libcjson zlib libdeflate libcrypto"
DEPCFLAGS=$(pkg-config --cflags $PKGS 2>/dev/null || echo -I/usr/include/cjson)
DEPLIBS=$(pkg-config --libs $PKGS 2>/dev/null || echo -lsqlite3 -lcjson -lz -ldeflate -lcrypto)
CFLAGS="-g -O1 -std=c99 -D_GNU_SOURCE -DSQLITE_CORE -fno-omit-frame-pointer
  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Wno-typedef-redefinition"

# --- build (again when a source is newer than the binary) ------------------------------
# the embedded rule files (build/rules_data.c, written by the Makefile's build/embed)
GEN=$ROOT/build/rules_data.c
(cd "$ROOT" && ${MAKE:-make} --no-print-directory rules-data >/dev/null) ||
  { echo "run.sh: make rules-data failed"; exit 2; }
for t in $TARGETS; do
  bin=$OUT/$t
  if [ ! -f "$SRC/$t.c" ]; then echo "run.sh: no target $t"; exit 2; fi
  if [ -x "$bin" ] && [ -z "$(find "$ROOT/ext" "$SRC" "$GEN" -newer "$bin" \( -name '*.c' -o -name '*.h' \) 2>/dev/null)" ]; then
    continue
  fi
  echo "build $t"
  # shellcheck disable=SC2086
  if ! $CC $CFLAGS -DFUZZ_FIXTURES="\"$ROOT/tests/fixtures\"" $DEPCFLAGS -I"$ROOT/ext" \
       -o "$bin" "$SRC/$t.c" "$ROOT"/ext/*.c "$GEN" $DEPLIBS -lpthread; then
    echo "run.sh: building $t failed"; exit 2
  fi
done

# --- seeds, once -----------------------------------------------------------------------
for t in $TARGETS; do
  if [ ! -d "$OUT/corpus-$t" ]; then
    sh "$SRC/seeds.sh" "$OUT" >/dev/null || { echo "run.sh: seeds.sh failed"; exit 2; }
    break
  fi
done

# inputs that once found a bug, added later than the corpus: always in it
for t in $TARGETS; do
  for f in "$SRC/regressions/$t"/*; do
    [ -f "$f" ] || continue
    [ -f "$OUT/corpus-$t/regression_$(basename "$f")" ] || cp "$f" "$OUT/corpus-$t/regression_$(basename "$f")"
  done
done

# --- run -------------------------------------------------------------------------------
found=0
summary=""
for t in $TARGETS; do
  log=$OUT/$t.log
  echo "run $t for $SECS s (log: build/fuzz/$t.log)"
  # Absolute paths: fuzz_args changes directory while it runs a CREATE VIRTUAL TABLE.
  rm -f "$OUT"/fuzz-*.log                       # -jobs=N writes its logs there
  # shellcheck disable=SC2086
  (cd "$OUT" && "$OUT/$t" "$OUT/corpus-$t" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 \
    -dict="$SRC/cloudtrail.dict" -artifact_prefix="$OUT/artifacts/$t-" \
    -print_final_stats=1 ${FUZZ_FLAGS:-}) >"$log" 2>&1
  rc=$?
  runs=$(grep -h 'stat::number_of_executed_units' "$log" "$OUT"/fuzz-*.log 2>/dev/null | tail -n 1 | awk '{print $2}')
  cov=$(grep -hE '^#[0-9]+.*cov: ' "$log" "$OUT"/fuzz-*.log 2>/dev/null | tail -n 1 | sed -n 's/.*cov: \([0-9]*\) ft: \([0-9]*\).*/\1 edges, \2 features/p')
  art=$(grep -ho "Test unit written to [^ ]*" "$log" "$OUT"/fuzz-*.log 2>/dev/null | sed 's/Test unit written to //' | tr '\n' ' ')
  if [ "$rc" = 0 ]; then
    result="nothing found"
  else
    found=1
    kind=$(grep -hoE '==FUZZ INVARIANT VIOLATION==.*|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer): [^ ]+( [^ ]+)?|runtime error: .*' "$log" "$OUT"/fuzz-*.log 2>/dev/null | head -n 1 | cut -c1-300)
    result="FOUND (exit $rc): ${kind:-see the log} ${art}"
  fi
  line="$t: ${runs:-?} runs in ${SECS} s, coverage ${cov:-?}: $result"
  echo "$line"
  summary="$summary$line
"
done
echo "---"
printf '%s' "$summary"
exit $found
