#!/bin/sh
# Run every test in tests/ against the extension given as $1 (default build/cloudtrail.so).
#
#   tests/NAME.sql   piped through the sqlite3 shell (@EXT@ becomes the extension's path)
#   tests/NAME.sh    run with sh (EXT in the environment); exit 77 means "skipped"; what it
#                    writes to file descriptor 3 is shown as a note, not compared (say there
#                    which optional part ran or was skipped)
#
# Each test's standard output and error, together, must equal tests/NAME.expected
# exactly. Run from the repository root; scratch files go to build/tmp (each test its own).
# More arguments name the tests to run (NAME, without .sql/.sh): only those. TEST_JOBS=N
# (default: the cores, at most 2) runs N shards of the tests side by side; TEST_JOBS=1 runs
# them one after another. Results are reported in the tests' order (those run alone last).
set -u
EXT=${1:-build/cloudtrail.so}
EXT=${EXT%.so}
export EXT
[ $# -gt 0 ] && shift
only=" $* "
cd "$(dirname "$0")/.." || exit 1
rm -rf build/tmp && mkdir -p build/tmp/out
pass=0; fail=0; skip=0

# The tests to run, in order; those that run make, time an interrupt or measure memory run
# alone, after the others.
list=""; alone=""
for t in tests/*.sql tests/*.sh; do
  [ -e "$t" ] || continue
  case "$t" in tests/run.sh) continue ;; esac
  name=$(basename "$t"); name=${name%.*}
  [ "$only" = "  " ] || case "$only" in *" $name "*) ;; *) continue ;; esac
  case " install interrupt filesystem generate_stories " in
    *" $name "*) alone="$alone $t" ;;
    *) list="$list $t" ;;
  esac
done

run_one() {   # run_one TEST: its output in build/tmp/out/NAME.out, its exit status in .rc
  t=$1; name=$(basename "$t"); name=${name%.*}
  out=build/tmp/out/$name.out
  case "$t" in
    *.sql) sed "s|@EXT@|$EXT|g" "$t" | stdbuf -o0 sqlite3 :memory: >"$out" 2>&1; rc=0 ;;
    *.sh)  sh "$t" >"$out" 2>&1 3>"build/tmp/out/$name.note"; rc=$? ;;
  esac
  echo "$rc" >"build/tmp/out/$name.rc"
}

# TEST_JOBS (default: the number of cores, at most 2) shards run side by side, each test in
# its own scratch directory; results are reported in order.
jobs=${TEST_JOBS:-$(nproc 2>/dev/null || echo 1)}
case "$jobs" in ''|*[!0-9]*|0) jobs=1 ;; esac
[ "$jobs" -gt 2 ] && jobs=2
k=0
while [ "$k" -lt "$jobs" ]; do
  (
    i=0
    for t in $list; do
      [ $((i % jobs)) = "$k" ] && run_one "$t"
      i=$((i + 1))
    done
  ) &
  k=$((k + 1))
done
wait
for t in $alone; do run_one "$t"; done

for t in $list $alone; do
  name=$(basename "$t"); name=${name%.*}
  out=build/tmp/out/$name.out
  rc=$(cat "build/tmp/out/$name.rc" 2>/dev/null || echo 1)
  [ -s "build/tmp/out/$name.note" ] && sed "s/^/note $name: /" "build/tmp/out/$name.note"
  if [ "$rc" = 77 ]; then
    echo "skip $name: $(tail -n 1 "$out")"; skip=$((skip+1)); continue
  fi
  if diff -u "tests/$name.expected" "$out" >build/tmp/out/$name.diff 2>&1; then
    echo "ok   $name"; pass=$((pass+1))
  else
    echo "FAIL $name"; head -n 40 build/tmp/out/$name.diff | sed 's/^/    /'; fail=$((fail+1))
  fi
done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
