#!/bin/sh
# tools/report.py against the SQL it runs: the script on PATH (a folder of logs or a case file,
# read-only), then the same statements in the sqlite3 shell (-readonly, rows to /dev/null),
# RUNS times each (default 3), alternating; prints every time and the medians (wall seconds).
#   sh tests/tools/report_timing.sh /work/main/build/bench/case.db
#   sh tests/tools/report_timing.sh /work/main/build/bench/corpus
set -eu
P=$1; RUNS=${RUNS:-3}; EXT=${EXT:-build/cloudtrail}
T=build/tmp/report_timing
rm -rf $T && mkdir -p $T
if [ "$(head -c 15 "$P" 2>/dev/null)" = "SQLite format 3" ]; then
  db=$P; setup=""; digests=""; files="SELECT sha256 FROM main.trail_files WHERE path IN (SELECT source_file FROM mfa_deactivation_alerts);"
else
  db=:memory:; setup="CREATE VIRTUAL TABLE temp.trail USING cloudtrail('$P');"
  digests="CREATE TEMP TABLE trail_digests AS SELECT * FROM cloudtrail_digests('$P', NULL);
SELECT * FROM mfa_alert_coverage;"; files=""
fi
# the statements report.py runs, in its order (the folder's files it hashes in Python)
cat >$T/q.sql <<EOF
.output /dev/null
$setup
.read sql/investigate.sql
$(echo "$digests" | head -n 1)
SELECT $(/usr/bin/python3 -c 'import sys; sys.path.insert(0, "tools"); import report; print(report.ALERT_COLUMNS)') FROM mfa_deactivation_alerts;
SELECT * FROM mfa_alert_window_48h;
SELECT * FROM mfa_alert_window_24h;
SELECT * FROM mfa_alert_scope_24h;
SELECT * FROM mfa_alert_other_alerts_48h;
SELECT * FROM mfa_alert_window_24h_origin;
$(echo "$digests" | tail -n +2)
SELECT * FROM cloudtrail_rules WHERE pack = 'builtin';
$files
EOF
now() { date +%s.%N; }
i=0
while [ $i -lt "$RUNS" ]; do
  t0=$(now); /usr/bin/python3 tools/report.py "$P" -o $T/out --ext "$EXT" >/dev/null; t1=$(now)
  sqlite3 -readonly -bail "$db" -cmd ".load $EXT" <$T/q.sql; t2=$(now)
  echo "$t0 $t1 $t2" | awk '{ printf "script %.2f s, sql %.2f s\n", $2 - $1, $3 - $2 }' | tee -a $T/times
  i=$((i + 1))
done
med() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
s=$(awk '{ print $2 }' $T/times | med); q=$(awk '{ print $5 }' $T/times | med)
echo "$s $q" | awk -v n="$RUNS" '{ printf "median of %d: script %.2f s, sql %.2f s, ratio %.2f\n", n, $1, $2, $1 / $2 }'
