#!/bin/sh
# Run every test in tests/ against the extension given as $1 (default build/cloudtrail.so).
#
#   tests/NAME.sql   piped through the sqlite3 shell (@EXT@ becomes the extension's path)
#   tests/NAME.sh    run with sh (EXT in the environment); exit 77 means "skipped"; what it
#                    writes to file descriptor 3 is shown as a note, not compared (say there
#                    which optional part ran or was skipped)
#
# Each test's standard output and error, together, must equal tests/NAME.expected
# exactly. Run from the repository root; scratch files go to build/tmp.
# More arguments name the tests to run (NAME, without .sql/.sh): only those.
set -u
EXT=${1:-build/cloudtrail.so}
EXT=${EXT%.so}
export EXT
[ $# -gt 0 ] && shift
only=" $* "
cd "$(dirname "$0")/.." || exit 1
rm -rf build/tmp && mkdir -p build/tmp/out
pass=0; fail=0; skip=0
for t in tests/*.sql tests/*.sh; do
  [ -e "$t" ] || continue
  case "$t" in tests/run.sh) continue ;; esac
  name=$(basename "$t"); name=${name%.*}
  [ "$only" = "  " ] || case "$only" in *" $name "*) ;; *) continue ;; esac
  out=build/tmp/out/$name.out
  case "$t" in
    *.sql) sed "s|@EXT@|$EXT|g" "$t" | stdbuf -o0 sqlite3 :memory: >"$out" 2>&1; rc=0 ;;
    *.sh)  sh "$t" >"$out" 2>&1 3>"build/tmp/out/$name.note"; rc=$? ;;
  esac
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
