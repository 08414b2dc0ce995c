#!/bin/sh
# Grouped output (group.c): a GROUP BY on columns of few values gets its rows from the
# reader already grouped, so SQLite runs no sorter. Each query must give exactly what its
# twin gives, the same query with the columns hidden from the reader (+column), which
# SQLite groups with its sorter; the rowid of every row must be its own (min, max and sum
# of rowid per group). The plan shows when the reader groups (INDEX 32:...;<columns>).
# Then a corpus of 70,000 records and 40,001 user names: more ids than are kept in memory
# (they go to a temporary file) and more names than one pass keeps (further passes over
# the files group the rest, each pass's names all after the previous pass's).
set -u
d=build/tmp/group
rm -rf "$d" && mkdir -p "$d/big" || exit 1

both() {
  # $1 a label, $2 the query, $3 its twin; prints the query's rows and whether they match
  sqlite3 :memory: -cmd ".load $EXT" -cmd "CREATE VIRTUAL TABLE temp.t USING cloudtrail('$T');" \
    "$2" >"$d/a.txt" 2>&1
  sqlite3 :memory: -cmd ".load $EXT" -cmd "CREATE VIRTUAL TABLE temp.t USING cloudtrail('$T');" \
    "$3" >"$d/b.txt" 2>&1
  echo "-- $1: $(wc -l <"$d/a.txt") rows, $(cmp -s "$d/a.txt" "$d/b.txt" && echo same as || echo DIFFERENT from) its twin"
  if [ "${4:-}" = short ]; then head -2 "$d/a.txt"; echo ...; tail -2 "$d/a.txt"; else cat "$d/a.txt"; fi
}
plan() {
  sqlite3 :memory: -cmd ".load $EXT" -cmd "CREATE VIRTUAL TABLE temp.t USING cloudtrail('$T');" \
    "EXPLAIN QUERY PLAN $1" | grep -o 'VIRTUAL TABLE.*'
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
echo "-- not grouped by the reader: another column read, an unlisted column, a collation, DISTINCT, an IN on another column"
plan "SELECT eventName, max(eventTime) FROM t GROUP BY eventName"
plan "SELECT sourceIPAddress, count(*) FROM t GROUP BY sourceIPAddress"
plan "SELECT eventName, count(*) FROM t GROUP BY eventName COLLATE NOCASE"
plan "SELECT DISTINCT eventName FROM t"
plan "SELECT eventName, count(*) FROM t WHERE eventSource IN ('iam.amazonaws.com', 'sts.amazonaws.com') GROUP BY eventName"

# strict mode: the first problem is the error, grouped or not
T=data/damaged
sqlite3 :memory: -cmd ".load $EXT" "CREATE VIRTUAL TABLE temp.t USING cloudtrail('$T', strict=1);" \
  "SELECT eventName, count(*) FROM t GROUP BY eventName" >"$d/a.txt" 2>&1
sqlite3 :memory: -cmd ".load $EXT" "CREATE VIRTUAL TABLE temp.t USING cloudtrail('$T', strict=1);" \
  "SELECT +eventName, count(*) FROM t GROUP BY +eventName" >"$d/b.txt" 2>&1
echo "-- strict, damaged files: $(cmp -s "$d/a.txt" "$d/b.txt" && echo same as || echo DIFFERENT from) its twin"
cat "$d/a.txt"
both "damaged files, not strict" \
  "SELECT eventName, count(*), sum(rowid) FROM t GROUP BY eventName" \
  "SELECT +eventName, count(*), sum(rowid) FROM t GROUP BY +eventName" short

# 70,000 records in 4 files; user names u00000..u40000, eventName E0..E6, readOnly true,
# false or absent: more ids than are kept in memory (65,536; the rest go to a temporary
# file) and more names than one pass keeps (16,384): three passes
awk -v dir="$d/big" 'BEGIN {
  for (i = 0; i < 70000; i++) {
    ro = (i % 3 == 0) ? ",\"readOnly\":true" : (i % 3 == 1) ? ",\"readOnly\":false" : ""
    printf "{\"eventName\":\"E%d\",\"userIdentity\":{\"type\":\"IAMUser\",\"userName\":\"u%05d\"}%s}\n", i % 7, (i * 7919) % 40001, ro >(dir "/part" (i % 4) ".json")
  }
}' || exit 1
T=$d/big
both "70,000 rows by 40,001 user names" \
  "SELECT user_name, count(*), min(rowid), max(rowid), sum(rowid) FROM t GROUP BY user_name" \
  "SELECT +user_name, count(*), min(rowid), max(rowid), sum(rowid) FROM t GROUP BY +user_name" short
both "the same, descending" \
  "SELECT user_name, count(*), min(rowid), max(rowid), sum(rowid) FROM t GROUP BY user_name ORDER BY user_name DESC" \
  "SELECT +user_name, count(*), min(rowid), max(rowid), sum(rowid) FROM t GROUP BY +user_name ORDER BY 1 DESC" short
both "readOnly and eventName, rowids from the temporary file" \
  "SELECT readOnly, eventName, count(*), min(rowid), max(rowid), sum(rowid) FROM t GROUP BY readOnly, eventName" \
  "SELECT +readOnly, +eventName, count(*), min(rowid), max(rowid), sum(rowid) FROM t GROUP BY +readOnly, +eventName" short
