#!/bin/sh
# Grouped output over several passes (group.c) when the files change between passes: an
# error, never a wrong count. 66,000 records in 4 files and 33,001 user names take three
# passes (16,384 names a pass). A preload (tests/tools/swap_on_reopen.c) renames a prepared
# file over a log file just before part2.json is opened the second time, that is, in the
# second pass, after part0 and part1 were read again. One reader thread, so that the files
# are opened in the walk's order.
set -u
. tests/tools/sanitized_sqlite3.sh           # sql: sqlite3 with the sanitizers, if given
d=build/tmp/group_changed
rm -rf "$d" && mkdir -p "$d" || exit 1
# the compiler is not ours to check: no sanitizer preloaded into it
${CC:-cc} -std=c99 -g -O1 -Wall -Wextra -Werror -shared -fPIC -o "$d/swap.so" \
  tests/tools/swap_on_reopen.c -ldl || exit 1

awk -v dir="$d/orig" 'BEGIN {
  system("mkdir -p " dir)
  for (i = 0; i < 66000; i++)
    printf "{\"eventName\":\"E%d\",\"userIdentity\":{\"type\":\"IAMUser\",\"userName\":\"u%05d\"}}\n", i % 7, (i * 7919) % 33001 >(dir "/part" (i % 4) ".json")
}' || exit 1

Q="SELECT user_name, count(*), min(rowid), max(rowid) FROM t GROUP BY user_name"
# case LABEL FILE: FILE (in $d/new, made from the original) goes over the log file of its
# name when part2.json is opened again; prints the rows that came out, and the error
run_case() {
  rm -rf "$d/logs" && cp -r "$d/orig" "$d/logs" || exit 1
  LD_PRELOAD="$PRE $PWD/$d/swap.so" SWAP_NAME=part2.json SWAP_FROM="$d/new/$2" SWAP_TO="$d/logs/$2" \
    sqlite3 :memory: -cmd ".load $EXT" \
    -cmd "CREATE VIRTUAL TABLE temp.t USING cloudtrail('$d/logs', threads=1);" "$Q" \
    >"$d/out" 2>"$d/err"
  echo "-- $1: exit $?, $(wc -l <"$d/out") groups came out"
  cat "$d/err"
  [ -e "$d/new/$2" ] && echo "(the file was not swapped)"
}
fresh() { rm -rf "$d/new" && mkdir "$d/new" && cp "$d/orig/$1" "$d/new/$1"; }

# the same bytes swapped in: the answer, as without the preload
fresh part2.json
run_case "the same bytes" part2.json
sql :memory: -cmd ".load $EXT" -cmd "CREATE VIRTUAL TABLE temp.t USING cloudtrail('$d/orig', threads=1);" \
  "$Q" >"$d/plain" 2>&1
echo "the same rows as a query of the untouched files: $(cmp -s "$d/out" "$d/plain" && echo yes || echo NO)"
head -2 "$d/out"

# one more record at the end of the last file: more rows than the first time
fresh part3.json
echo '{"eventName":"E0","userIdentity":{"type":"IAMUser","userName":"u00000"}}' >>"$d/new/part3.json"
run_case "a record added at the end of the last file" part3.json

# the last record blanked out (the same size): fewer rows
fresh part3.json
sed -i '$ s/./ /g' "$d/new/part3.json"
run_case "the last record replaced by spaces of its size" part3.json

# a record of a name left to this pass (u2xxxx) now names one the first pass handed out
# (u0xxxx), the same size: its group would come out twice
fresh part2.json
sed -i '0,/"userName":"u2/ s/"userName":"u2/"userName":"u0/' "$d/new/part2.json"
run_case "a record's name moved before the names handed out" part2.json

# a record of a name the first pass counted (not read again) one byte longer: other sizes
fresh part3.json
sed -i '0,/"userName":"u00001"/ s/"userName":"u00001"/"userName":"u00001x"/' "$d/new/part3.json"
run_case "a counted record one byte longer" part3.json
