#!/bin/sh
# The copy column: 1 for the first delivery of an eventID in walk order, then 2, 3 ...;
# 1 without an eventID (missing, null, ""); exact however the query is written.
D=build/tmp/copy
rm -rf $D && mkdir -p $D/a $D/b
rec() { printf '{"eventVersion":"1.08","eventTime":"2026-03-02T10:0%s:00Z","eventName":"%s"%s}' "$1" "$2" "$3"; }
{ printf '{"Records":['
  rec 1 Get ',"eventID":"e1"'; printf ','
  rec 2 Put ',"eventID":"e2"'; printf ','
  rec 3 Get ''; printf ','
  rec 4 Get ',"eventID":null'; printf ','
  rec 5 Get ',"eventID":""'; printf ','
  rec 6 Get ',"eventID":7'
  printf ']}'; } >$D/a/1.json
{ printf '{"Records":['
  rec 1 Get ',"eventID":"\u0065\u0031"'; printf ','
  rec 2 Put ',"eventID":"e2"'; printf ','
  rec 3 Put ',"eventID":"e1"'; printf ','
  rec 4 Get ''; printf ','
  rec 6 Get ',"eventID":"7"'
  printf ']}'; } | gzip >$D/b/2.json.gz
q() { sqlite3 :memory: -cmd ".load $EXT" "$1" 2>&1; }
echo "-- every record, in walk order"
q "SELECT substr(source_file, 16), record_index, eventName, quote(eventID), copy FROM cloudtrail('$D')"
echo "-- copy = 1 is the de-duplicated trail"
q "SELECT count(*) FROM cloudtrail('$D') WHERE copy = 1"
echo "-- copy numbers do not depend on the other constraints, threads or a single file"
q "SELECT eventID, copy FROM cloudtrail('$D') WHERE eventName = 'Put'"
q "SELECT eventID, copy FROM cloudtrail('$D', 0, 4) WHERE eventName = 'Put' AND copy > 1"
q "SELECT eventID, copy FROM cloudtrail('$D/b/2.json.gz') WHERE eventName = 'Put'"
echo "-- IN and ranges"
q "SELECT eventID, copy FROM cloudtrail('$D') WHERE copy IN (2, 3)"
q "SELECT count(*) FROM cloudtrail('$D') WHERE copy BETWEEN 1 AND 1.5"
q "SELECT count(*) FROM cloudtrail('$D') WHERE copy = 1.5"
q "SELECT count(*) FROM cloudtrail('$D') WHERE copy = '1'"
q "SELECT count(*) FROM cloudtrail('$D') WHERE copy = NULL"
echo "-- pushed down: a scan with a hash set, no sort"
q "EXPLAIN QUERY PLAN SELECT eventID FROM cloudtrail('$D') WHERE copy = 1"
q "EXPLAIN QUERY PLAN SELECT eventID FROM cloudtrail('$D') WHERE copy IN (1, 2) AND eventName = 'Get'"
echo "-- time pruning is off when copy is used: the file stamped 03-01 is read, its e1 counted"
mkdir -p $D/c/AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/01
cp $D/a/1.json $D/c/AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/01/111122223333_CloudTrail_us-east-1_20260301T0000Z_x.json
mkdir -p $D/c/AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/09
cp $D/a/1.json $D/c/AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/09/111122223333_CloudTrail_us-east-1_20260309T0000Z_x.json
q "SELECT substr(source_file, length('$D/c/AWSLogs/111122223333/CloudTrail/us-east-1/')+1, 10), eventID, copy FROM cloudtrail('$D/c') WHERE event_epoch >= 1772409600 AND eventID = 'e1'"
