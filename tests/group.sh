#!/bin/sh
# Grouped output (group.c): a GROUP BY on columns of few values gets its rows from the
# reader already grouped, so SQLite runs no sorter. Each query must give exactly what its
# twin gives, the same query with the columns hidden from the reader (+column), which
# SQLite groups with its sorter; the rowid of every row must be its own (min, max and sum
# of rowid per group). The plan shows when the reader groups (INDEX 32:...;<columns>).
# Then a corpus of 66,000 records and 33,001 user names: more ids than are kept in memory
# (they go to a temporary file) and more names than one pass keeps (further passes over
# the files group the rest, each pass's names all after the previous pass's).
set -u
. tests/tools/sanitized_sqlite3.sh           # sql: sqlite3 with the sanitizers, if given
d=build/tmp/group
rm -rf "$d" && mkdir -p "$d/big" || exit 1

# The queries are collected, then run in two sqlite3 processes per corpus (the queries in
# one, their twins in the other), each result marked, so that the test stays quick under
# the sanitizers.
n=0
: >"$d/a.sql"; : >"$d/b.sql"; : >"$d/cases"
both() {
  # $1 a label, $2 the query, $3 its twin, $4 "short" to show the first and last 2 rows
  n=$((n+1))
  printf '.print @@%d\n%s;\n' $n "$2" >>"$d/a.sql"
  printf '.print @@%d\n%s;\n' $n "$3" >>"$d/b.sql"
  printf '%d\t%s\t%s\n' $n "${4:-all}" "$1" >>"$d/cases"
}
plan() {
  n=$((n+1))
  printf '.print @@%d\nEXPLAIN QUERY PLAN %s;\n' $n "$1" >>"$d/a.sql"
  printf '.print @@%d\n' $n >>"$d/b.sql"
  printf '%d\tplan\t\n' $n >>"$d/cases"
}
say() {
  n=$((n+1))
  printf '.print @@%d\n' $n | tee -a "$d/a.sql" >>"$d/b.sql"
  printf '%d\tsay\t%s\n' $n "$1" >>"$d/cases"
}
flush() {
  # run what was collected over the folder $T, then print each case in order
  for x in a b; do
    sql :memory: -cmd ".load $EXT" -cmd "CREATE VIRTUAL TABLE temp.t USING cloudtrail('$T');" \
      <"$d/$x.sql" 2>&1 | awk -v out="$d/$x." '/^@@[0-9]+$/ { f = out substr($0, 3); printf "" >f; next } { print >f }'
  done
  while IFS="$(printf '\t')" read -r k how label; do
    case $how in
      say)  echo "-- $label" ;;
      plan) grep -o 'VIRTUAL TABLE.*' "$d/a.$k" ;;
      *)    echo "-- $label: $(wc -l <"$d/a.$k") rows, $(cmp -s "$d/a.$k" "$d/b.$k" && echo same as || echo DIFFERENT from) its twin"
            if [ "$how" = short ]; then head -2 "$d/a.$k"; echo ...; tail -2 "$d/a.$k"; else cat "$d/a.$k"; fi ;;
    esac
  done <"$d/cases"
  : >"$d/a.sql"; : >"$d/b.sql"; : >"$d/cases"
}

T=data/AWSLogs
both "count by eventName" \
  "SELECT eventName, count(*), min(rowid), max(rowid), sum(rowid) FROM t GROUP BY eventName" \
  "SELECT +eventName, count(*), min(rowid), max(rowid), sum(rowid) FROM t GROUP BY +eventName" short
plan "SELECT eventName, count(*) FROM t GROUP BY eventName"
both "errorCode: NULL is a group, and first" \
  "SELECT errorCode, count(*), sum(rowid) FROM t GROUP BY errorCode" \
  "SELECT +errorCode, count(*), sum(rowid) FROM t GROUP BY +errorCode"
both "integers and NULL (readOnly), two columns, descending" \
  "SELECT readOnly, outcome, count(*), sum(rowid) FROM t GROUP BY readOnly, outcome ORDER BY readOnly DESC, outcome DESC" \
  "SELECT +readOnly, +outcome, count(*), sum(rowid) FROM t GROUP BY +readOnly, +outcome ORDER BY 1 DESC, 2 DESC"
plan "SELECT readOnly, outcome, count(*) FROM t GROUP BY readOnly, outcome ORDER BY readOnly DESC, outcome DESC"
both "eventSource, eventName with HAVING and an order of the counts" \
  "SELECT eventSource, eventName, count(*) AS n FROM t GROUP BY eventSource, eventName HAVING n > 40 ORDER BY n DESC, 1, 2" \
  "SELECT +eventSource, +eventName, count(*) AS n FROM t GROUP BY +eventSource, +eventName HAVING n > 40 ORDER BY n DESC, 1, 2"
# (not rowid: with the IN pushed, the reader numbers only the rows it keeps)
both "a pushed IN on the grouped column" \
  "SELECT eventName, count(*) FROM t WHERE eventName IN ('ConsoleLogin', 'GetObject', 'Nothing') GROUP BY eventName" \
  "SELECT +eventName, count(*) FROM t WHERE +eventName IN ('ConsoleLogin', 'GetObject', 'Nothing') GROUP BY +eventName"
plan "SELECT eventName, count(*) FROM t WHERE eventName IN ('ConsoleLogin', 'GetObject', 'Nothing') GROUP BY eventName"
both "the table-valued form, grouped by position, in a join" \
  "SELECT t.awsRegion, x.v, count(*) FROM cloudtrail('$T') t JOIN (SELECT 1 AS v UNION ALL SELECT 2) x GROUP BY 1, 2" \
  "SELECT +t.awsRegion, x.v, count(*) FROM cloudtrail('$T') t JOIN (SELECT 1 AS v UNION ALL SELECT 2) x GROUP BY 1, 2"
both "user_name, account_id, user_type in a subquery" \
  "SELECT count(*), sum(n), max(n) FROM (SELECT user_name, account_id, user_type, count(*) AS n FROM t GROUP BY 1, 2, 3)" \
  "SELECT count(*), sum(n), max(n) FROM (SELECT +user_name, +account_id, +user_type, count(*) AS n FROM t GROUP BY 1, 2, 3)"
both "an exact equality on another column: every kept row has its value" \
  "SELECT eventSource, eventName, count(*), sum(rowid) FROM t WHERE eventSource = 'iam.amazonaws.com' AND eventSource LIKE 'iam%' GROUP BY eventName" \
  "SELECT eventSource, +eventName, count(*), sum(rowid) FROM t WHERE eventSource = 'iam.amazonaws.com' AND eventSource LIKE 'iam%' GROUP BY +eventName" short
plan "SELECT eventSource, eventName, count(*) FROM t WHERE eventSource = 'iam.amazonaws.com' GROUP BY eventName"
say "not grouped by the reader: another column read, an unlisted column, a collation, DISTINCT, an IN on another column"
plan "SELECT eventName, max(eventTime) FROM t GROUP BY eventName"
plan "SELECT sourceIPAddress, count(*) FROM t GROUP BY sourceIPAddress"
plan "SELECT eventName, count(*) FROM t GROUP BY eventName COLLATE NOCASE"
plan "SELECT DISTINCT eventName FROM t"
plan "SELECT eventName, count(*) FROM t WHERE eventSource IN ('iam.amazonaws.com', 'sts.amazonaws.com') GROUP BY eventName"
flush

# strict mode: the first problem is the error, grouped or not
T=data/damaged
sql :memory: -cmd ".load $EXT" "CREATE VIRTUAL TABLE temp.t USING cloudtrail('$T', strict=1);" \
  "SELECT eventName, count(*) FROM t GROUP BY eventName" >"$d/a.txt" 2>&1
sql :memory: -cmd ".load $EXT" "CREATE VIRTUAL TABLE temp.t USING cloudtrail('$T', strict=1);" \
  "SELECT +eventName, count(*) FROM t GROUP BY +eventName" >"$d/b.txt" 2>&1
echo "-- strict, damaged files: $(cmp -s "$d/a.txt" "$d/b.txt" && echo same as || echo DIFFERENT from) its twin"
cat "$d/a.txt"
both "damaged files, not strict" \
  "SELECT eventName, count(*), sum(rowid) FROM t GROUP BY eventName" \
  "SELECT +eventName, count(*), sum(rowid) FROM t GROUP BY +eventName" short
flush

# 66,000 records in 4 files; user names u00000..u33000, eventName E0..E6, readOnly true,
# false or absent: more ids than are kept in memory (65,536; the rest go to a temporary
# file) and more names than one pass keeps (16,384): three passes
awk -v dir="$d/big" 'BEGIN {
  for (i = 0; i < 66000; i++) {
    ro = (i % 3 == 0) ? ",\"readOnly\":true" : (i % 3 == 1) ? ",\"readOnly\":false" : ""
    printf "{\"eventName\":\"E%d\",\"userIdentity\":{\"type\":\"IAMUser\",\"userName\":\"u%05d\"}%s}\n", i % 7, (i * 7919) % 33001, ro >(dir "/part" (i % 4) ".json")
  }
}' || exit 1
T=$d/big
both "66,000 rows by 33,001 user names" \
  "SELECT user_name, count(*), min(rowid), max(rowid), sum(rowid) FROM t GROUP BY user_name" \
  "SELECT +user_name, count(*), min(rowid), max(rowid), sum(rowid) FROM t GROUP BY +user_name" short
both "the same, descending" \
  "SELECT user_name, count(*), min(rowid), max(rowid), sum(rowid) FROM t GROUP BY user_name ORDER BY user_name DESC" \
  "SELECT +user_name, count(*), min(rowid), max(rowid), sum(rowid) FROM t GROUP BY +user_name ORDER BY 1 DESC" short
flush
