#!/bin/sh
# A file none of whose eventTimes passes a query's time bounds is not split (filter.c
# time_may_match: every "eventTime": "..." in its bytes parsed as the column parses it).
# The records below put the eventTime where that search could go wrong: a repeated key
# (the last wins), a nested key, spaces and new lines around the colon, a \u escape in
# the value or in the key, a \/ escape, a number, other formats event_epoch reads, a quote
# inside another value, many records with the match last, NDJSON, an array, an EventBridge
# envelope, a damaged file. Text bounds on eventTime are checked alike (a number's JSON
# text can pass them). Every bounded query must give what its twin gives, the same bounds
# hidden from the reader (+event_epoch, +eventTime).
set -u
. tests/tools/sanitized_sqlite3.sh           # sql: sqlite3 with the sanitizers, if given
d=build/tmp/time_bytes
rm -rf "$d" && mkdir -p "$d/logs" || exit 1
r() {  # r ID TIME-MEMBERS: one record
  printf '{"eventVersion":"1.08",%s,"eventSource":"s3.amazonaws.com","eventName":"GetObject","eventID":"%s"}' "$2" "$1"
}
rec() { printf '{"Records":[%s]}\n' "$1" >"$d/logs/$2.json"; }
rec "$(r in '"eventTime":"2026-03-01T10:30:00Z"')" in
rec "$(r out '"eventTime":"2026-03-01T05:00:00Z"')" out
rec "$(r dup-last-in '"eventTime":"2026-03-01T05:00:00Z","awsRegion":"x","eventTime":"2026-03-01T10:31:00Z"')" dup_last_in
rec "$(r dup-first-in '"eventTime":"2026-03-01T10:32:00Z","awsRegion":"x","eventTime":"2026-03-01T05:00:00Z"')" dup_first_in
rec "$(r nested-in '"eventTime":"2026-03-01T05:00:00Z","requestParameters":{"eventTime":"2026-03-01T10:33:00Z"}')" nested_in
printf '{"Records":[\n  {\n    "eventTime"  :\n   "2026-03-01T10:15:00Z",\n    "eventName": "GetObject",\n    "eventID": "pretty"\n  }\n]}\n' >"$d/logs/pretty.json"
rec "$(r escaped-value '"eventTime":"2026-03-01T10:20:00\u005a"')" escaped_value
rec "$(r escaped-key '"event\u0054ime":"2026-03-01T10:40:00Z"')" escaped_key
rec "$(r escaped-slash '"eventTime":"2026-03-01T10:41:00Z","userAgent":"a\/b"')" escaped_slash
rec "$(r number '"eventTime":1772361000')" number
rec "$(r number-text '"eventTime":2026.5')" number_text
rec "$(r space '"eventTime":"2026-03-01 10:45:00"')" space
rec "$(r fraction '"eventTime":"2026-03-01T10:50:00.123Z"')" fraction
rec "$(r offset '"eventTime":"2026-03-01T12:30:00+02:00"')" offset
rec "$(r quote-inside '"eventTime":"2026-03-01T05:00:00Z","userAgent":"x\"eventTime\":\"2026-03-01T10:30:00Z\""')" quote_inside
rec "$(r edge-lo '"eventTime":"2026-03-01T10:00:00Z"'),$(r edge-hi '"eventTime":"2026-03-01T11:00:00Z"')" edges
k=0; many=""
while [ $k -lt 40 ]; do many="$many$(r many-$k '"eventTime":"2026-03-01T04:00:00Z"'),"; k=$((k + 1)); done
rec "$many$(r many-last '"eventTime":"2026-03-01T10:59:59Z"')" many
r ndjson-in '"eventTime":"2026-03-01T10:35:00Z"' >"$d/logs/ndjson.json"; echo >>"$d/logs/ndjson.json"
r ndjson-out '"eventTime":"2026-03-02T10:35:00Z"' >>"$d/logs/ndjson.json"; echo >>"$d/logs/ndjson.json"
printf '[%s]\n' "$(r array-in '"eventTime":"2026-03-01T10:36:00Z"')" >"$d/logs/array.json"
printf '{"version":"0","detail-type":"AWS API Call via CloudTrail","time":"2026-03-01T05:00:00Z","detail":%s}\n' \
  "$(r eventbridge-in '"eventTime":"2026-03-01T10:37:00Z"')" >"$d/logs/eventbridge.json"
printf '{"Records":[%s,{"eventTime":"2026-03-01T10:38:00Z","eventName":"GetObject","eventID":"damaged-broken" "x"},%s]}\n' \
  "$(r damaged-out '"eventTime":"2026-03-01T05:00:00Z"')" "$(r damaged-in '"eventTime":"2026-03-01T10:39:00Z"')" >"$d/logs/damaged.json"
echo "total: $(sql :memory: -cmd ".load $EXT" "SELECT count(*) FROM cloudtrail('$d/logs')") records"
for label in between open from to equal text text-wide mixed; do
  w=$(sqlite3 :memory: "SELECT CASE '$label'
    WHEN 'between' THEN 'event_epoch BETWEEN 1772359200 AND 1772362800'
    WHEN 'open' THEN 'event_epoch > 1772359200 AND event_epoch < 1772362800'
    WHEN 'from' THEN 'event_epoch >= 1772362800'
    WHEN 'to' THEN 'event_epoch <= 1772359200'
    WHEN 'equal' THEN 'event_epoch = 1772361000'
    WHEN 'text' THEN 'eventTime >= ''2026-03-01T10'' AND eventTime < ''2026-03-01T11'''
    WHEN 'text-wide' THEN 'eventTime > ''2026-03-01T10'' AND eventTime < ''2027'''
    ELSE 'eventTime >= ''2026-03-01T10'' AND event_epoch <= 1772362800' END")
  a=$(sql :memory: -cmd ".load $EXT" "SELECT count(*) || ': ' || group_concat(eventID, ' ') FROM (SELECT eventID FROM cloudtrail('$d/logs') WHERE $w ORDER BY eventID)")
  b=$(sql :memory: -cmd ".load $EXT" "SELECT count(*) || ': ' || group_concat(eventID, ' ') FROM (SELECT eventID FROM cloudtrail('$d/logs') WHERE $(echo "$w" | sed 's/event_epoch/+event_epoch/g; s/eventTime/+eventTime/g') ORDER BY eventID)")
  echo "$label ($w): $a"
  [ "$a" = "$b" ] && echo "  same as its twin" || echo "  DIFFERENT from its twin: $b"
done
