#!/bin/sh
# tests/harness/run.sh [--quick]: build and run the out-of-memory and concurrency harnesses.
#
#   oom            tests/harness/oom.c: every allocation of representative queries made to
#                  fail in turn (once, and from then on), on the plain build and on an
#                  AddressSanitizer + UBSan build
#   threads        tests/harness/threads.c: four connections in four threads scanning,
#                  detecting and reporting at once, on the plain build and a ThreadSanitizer one
#
# Binaries and logs go to build/harness/. Run from anywhere; it works from the repository
# root. --quick samples fewer allocation points and iterations, and the ASan build injects
# each failure once only, in all but three queries (for CI). Exit status 0 when
# every step passed, 1 when one failed (a violation, a race, a wrong answer, a failed build).
#
# The ASan build of oom runs a lighter plan in the full run (every N up to 1000, then at most
# 300 more points, and the sites' first 4 and last), so that the full run stays near three
# minutes; the plain build runs the full plan. The two oom runs go in parallel.
set -u
cd "$(dirname "$0")/../.." || exit 2

QUICK=""
case "${1:-}" in
  --quick) QUICK=--quick ;;
  "") ;;
  *) echo "usage: tests/harness/run.sh [--quick]" >&2; exit 2 ;;
esac

CC=${CC:-cc}
PKGS="sqlite3 libcjson zlib libdeflate libcrypto"
DEPFLAGS=$(pkg-config --cflags $PKGS 2>/dev/null)
DEPLIBS=$(pkg-config --libs $PKGS 2>/dev/null || echo -lsqlite3 -lcjson -lz -ldeflate -lcrypto)
OUT=build/harness
BASE="-std=c99 -D_GNU_SOURCE -g -O1 -DSQLITE_CORE -Wall -Wextra"
# grouped output (ext/group.c) with tiny limits: the grouped queries (a few hundred rows,
# tens of groups) then take several passes over their files, a temporary file for the ids
# and several rowid batches, so those paths meet the failed allocations and the threads too
BASE="$BASE -DGROUP_MAX_PASS_GROUPS=16 -DGROUP_MEM_IDS=((size_t)64) -DGROUP_BLOCK=((size_t)64) -DGROUP_POS=((size_t)100)"
ASAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
TSAN="-fsanitize=thread"
mkdir -p $OUT
ulimit -c 0 2>/dev/null                   # crashing children must not leave core files

start=$(date +%s)
now() { date +%s; }
status=0
summary=""
note() {      # note STEP RESULT SECONDS FIGURES
  summary="$summary$(printf '%-18s %-5s %5ss  %s' "$1" "$2" "$3" "$4")
"
  [ "$2" = ok ] || status=1
}

# --- build (in parallel) ---------------------------------------------------------------
# the embedded rule files (build/rules_data.c, written by the Makefile's build/embed)
${MAKE:-make} --no-print-directory rules-data >"$OUT/rules-data.log" 2>&1 ||
  { echo "make rules-data failed:"; sed 's/^/    /' "$OUT/rules-data.log"; exit 1; }
build() {     # build NAME SOURCE FLAGS...
  name=$1; src=$2; shift 2
  # shellcheck disable=SC2086
  $CC $BASE "$@" $DEPFLAGS -o "$OUT/$name" "tests/harness/$src" ext/*.c build/rules_data.c $DEPLIBS -lpthread \
    >"$OUT/$name.build.log" 2>&1
}
t0=$(now)
build oom oom.c & p1=$!
build oom-asan oom.c $ASAN & p2=$!
build threads threads.c & p3=$!
build threads-tsan threads.c $TSAN & p4=$!
built_ok=1
for pair in "oom:$p1" "oom-asan:$p2" "threads:$p3" "threads-tsan:$p4"; do
  name=${pair%%:*}; pid=${pair#*:}
  if ! wait "$pid"; then
    echo "build of $name failed:"; sed 's/^/    /' "$OUT/$name.build.log"
    built_ok=0
  fi
done
if [ "$built_ok" = 0 ]; then
  note build FAIL $(( $(now) - t0 )) "see $OUT/*.build.log"
  printf '\n== harness summary ==\n%s' "$summary"
  exit 1
fi
note build ok $(( $(now) - t0 )) "oom, oom-asan (ASan+UBSan), threads, threads-tsan in $OUT/"

# --- oom: plain and ASan, in parallel ------------------------------------------------------
# quick (CI): the ASan build injects each failure once only, and leaves out the three queries
# that cost it most (views, kql, rules: nearly half its time); the plain build runs them all
# in both modes. So the two finish together and CI stays under its 15 minutes.
if [ -n "$QUICK" ]; then
  ASANPLAN="--mode once $("$OUT/oom-asan" --list | awk '$1!="views" && $1!="kql" && $1!="rules" {printf "--query %s ", $1}')"
else
  ASANPLAN="--dense 1000 --samples 300 --site-first 4"
fi
t0=$(now)
"$OUT/oom" $QUICK >"$OUT/oom.log" 2>&1 &
p1=$!
# shellcheck disable=SC2086
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:symbolize=1 UBSAN_OPTIONS=print_stacktrace=1 \
  "$OUT/oom-asan" $QUICK $ASANPLAN >"$OUT/oom-asan.log" 2>&1 &
p2=$!
wait $p1; rc1=$?; t1=$(now)
wait $p2; rc2=$?; t2=$(now)

oom_figures() {   # the totals of an oom log's summary table
  awk '/^== oom summary/ { on = 1; next }
       on && /^\(A:/ { on = 0 }
       on && $4 ~ /^(once|persist)$/ {
         rows++; tried += $5; failed += $6
         for (i = 7; i <= NF; i++) { split($i, kv, "="); out[kv[1]] += kv[2] }
       }
       /^oom: [0-9]+ violation/ { v = $2 }
       END {
         s = ""
         for (k in out) s = s " " k "=" out[k]
         printf "%d query-modes, %d points tried, %d failures injected;%s; violations: %s",
                rows, tried, failed, s, (v == "" ? "?" : v)
       }' "$1"
}
for which in oom oom-asan; do
  if [ $which = oom ]; then rc=$rc1; secs=$(( t1 - t0 )); label="oom"
  else rc=$rc2; secs=$(( t2 - t0 )); label="oom (ASan+UBSan)"; fi
  echo
  echo "################ $label: $OUT/$which.log"
  sed -n '/^== oom summary/,$p' "$OUT/$which.log"
  if [ $which = oom-asan ]; then
    n=$(grep -c 'ERROR: AddressSanitizer\|ERROR: LeakSanitizer\|runtime error:' "$OUT/$which.log")
    echo "sanitizer reports in the children's stderr shown in the log: $n"
  fi
  if [ "$rc" = 0 ]; then res=ok; else res=FAIL; fi
  grep -q '^== oom summary' "$OUT/$which.log" || { res=FAIL; tail -n 20 "$OUT/$which.log"; }
  note "$label" $res $secs "$(oom_figures "$OUT/$which.log") (exit $rc)"
done

# --- threads: plain and TSan -----------------------------------------------------------------
echo
t0=$(now)
"$OUT/threads" $QUICK >"$OUT/threads.log" 2>&1
rc=$?
echo "################ threads: $OUT/threads.log"
cat "$OUT/threads.log"
if [ $rc = 0 ]; then res=ok; else res=FAIL; fi
note threads $res $(( $(now) - t0 )) "$(grep -o '[0-9]* connections x.*bad' "$OUT/threads.log") (exit $rc)"

SUPP=""
[ -f tests/harness/tsan.supp ] && SUPP=" suppressions=tests/harness/tsan.supp"
run_tsan() {
  TSAN_OPTIONS="halt_on_error=0 exitcode=66 second_deadlock_stack=1$SUPP" \
    "$@" "$OUT/threads-tsan" $QUICK >"$OUT/threads-tsan.log" 2>&1
}
t0=$(now)
run_tsan; rc=$?
if grep -q 'unexpected memory mapping' "$OUT/threads-tsan.log" && command -v setarch >/dev/null; then
  # newer kernels randomise more than older TSan runtimes accept: run without ASLR
  run_tsan setarch "$(uname -m)" -R; rc=$?
fi
echo
echo "################ threads (TSan): $OUT/threads-tsan.log"
cat "$OUT/threads-tsan.log"
races=$(grep -c 'WARNING: ThreadSanitizer' "$OUT/threads-tsan.log")
if [ $rc = 0 ] && [ "$races" = 0 ]; then res=ok; else res=FAIL; fi
note "threads (TSan)" $res $(( $(now) - t0 )) "$(grep -o '[0-9]* connections x.*bad' "$OUT/threads-tsan.log"); TSan reports: $races (exit $rc)"

printf '\n== harness summary (%s) ==\n%s' "${QUICK:-full}" "$summary"
echo "total: $(( $(now) - start )) s; exit $status"
exit $status
