#!/bin/sh
# The investigation views, detect and detect_mfa_deactivation on a case file (a table that
# cloudtrail_import wrote) give the same rows as on the files, and the windows are drawn
# through the case file's indexes. Two sources: the sample (data/AWSLogs: every story, events
# delivered twice) and the alerts of tests/investigate_edges.sql (no eventID, an eventID of "",
# no actor, no event time, a record delivered twice).
set -u
T=build/tmp/import_views
rm -rf $T && mkdir -p $T
sed -n "/^SELECT writefile('build\/tmp\/investigate_edges.jsonl',/,/^') > 0;/p" tests/investigate_edges.sql |
  sed "s|build/tmp/investigate_edges.jsonl|$T/edges.jsonl|" >$T/edges.sql

views="mfa_deactivation_alerts mfa_alert_window_48h mfa_alert_window_24h mfa_alert_scope_24h
       mfa_alert_other_alerts_48h mfa_alert_window_24h_origin"

dump() {   # dump DB SETUP: every row of every view, then of detect per pack, each row
  {          # prefixed by its view's name, sorted (rows that tie in a view's order may swap)
    echo ".load $EXT"
    echo "$2"
    echo ".read sql/investigate.sql"
    echo ".mode list"
    for v in $views; do
      echo "SELECT '$v', * FROM $v;"
    done
    for p in 2024-04-18 2026-08-21; do
      echo "SELECT 'detect $p', * FROM detect('table:trail') WHERE pack = '$p';"
    done
  } | sqlite3 "$1" 2>&1 | LC_ALL=C sort
}

for src in sample edges; do
  dir=data/AWSLogs
  if [ $src = edges ]; then
    sqlite3 :memory: ".load $EXT" ".read $T/edges.sql" >/dev/null
    dir=$T/edges.jsonl
  fi
  echo "== $src"
  dump :memory: "CREATE VIRTUAL TABLE temp.trail USING cloudtrail('$dir');" >$T/files.out 2>&1
  sqlite3 $T/$src.db ".load $EXT" ".mode list" \
    "SELECT records_added, duplicates_skipped FROM cloudtrail_import('trail', '$dir')" |
    sed 's/^/imported: records, duplicates: /'
  dump $T/$src.db "" >$T/case.out 2>&1
  for v in $views "detect 2024-04-18" "detect 2026-08-21"; do
    echo "$v: $(grep -c "^$v|" $T/files.out) rows"
  done
  if cmp -s $T/files.out $T/case.out; then
    echo "case file = files: every view and detect row for row"
  else
    echo "case file differs from the files:"
    diff $T/files.out $T/case.out | head -n 20
  fi
  # a view over the case file (it has the columns, not the rowid): the files' branch, same rows
  dump $T/$src.db "CREATE TEMP VIEW trail AS SELECT * FROM main.trail;" >$T/view.out 2>&1
  if cmp -s $T/files.out $T/view.out; then
    echo "a view over the case file = files: every view and detect row for row"
  else
    echo "a view over the case file differs from the files:"
    diff $T/files.out $T/view.out | head -n 20
  fi
done

echo "== the windows on a case file use its indexes"
sqlite3 $T/edges.db ".load $EXT" ".read sql/investigate.sql" \
  "EXPLAIN QUERY PLAN SELECT * FROM mfa_alert_window_48h" \
  "EXPLAIN QUERY PLAN SELECT * FROM mfa_alert_window_24h" |
  grep -o 'SEARCH t USING INDEX [a-z_]* ([a-z_=?<> AND]*)' | sort -u

echo "== what detect reads from a case file: only the rows its rules' keys admit (an index lookup)"
for w in "pack = '2024-04-18'" "pack = '2024-04-18' AND rule_id = 'd8fc1cca-93ed-43c1-bbb6-c0dd3eff2958'" \
         "pack = '2024-04-18' AND rule_id = 'no-such-rule'"; do
  sqlite3 $T/sample.db ".load $EXT" ".trace stdout --stmt" \
    "SELECT count(*) FROM detect('table:trail') WHERE $w" | grep '^-- SELECT record' | cut -c1-120
done
sqlite3 $T/sample.db ".load $EXT" "EXPLAIN QUERY PLAN SELECT record FROM trail WHERE eventName IN ('A', 'B')" | grep -o 'SEARCH.*'
