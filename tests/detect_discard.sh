# detect(): a new_terms candidate whose every combination already has an earlier event
# within the history window keeps no text (replay.c `replay_seen`); the answer must not
# depend on the order in which records arrive. Rule 2026-08-21 9f8e3c5e (new_terms
# access_key_id + source.ip, history now-10d), on fixture files written here:
#   ordered   one combination, five events 1 day apart, files named in time order
#   reversed  the same events, files named in reverse time order (read newest first)
#   table     the same events as a table, rows newest first
#   dup       event "x2" read after a copy of "w" one hour before it (so its text is not
#             kept), but the copy of "w" that the merge keeps (first file in sorted order)
#             is a day after x2: x2 alerts after all, and the scan runs again keeping every
#             text (the table's rows: b.json, c.json, a.json); a path source (read a, b, c)
#             gives the same answer
# Each answer is also checked against the same query with the prefilter off.
# Skips (exit 77) where /usr/bin/python3 is absent.
py=/usr/bin/python3
[ -x $py ] || { echo "no /usr/bin/python3"; exit 77; }
ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0"   # Python itself, under make asan-test
export ASAN_OPTIONS
T=build/tmp/detect_discard
rm -rf $T && mkdir -p $T/ordered $T/reversed $T/dup || exit 1
"$py" - $T <<'PY' || exit 1
import calendar, json, sys, time
T = sys.argv[1]
T0 = calendar.timegm((2026, 3, 10, 0, 0, 0))
D = 86400
def iso(t):
    return "%04d-%02d-%02dT%02d:%02d:%02dZ" % time.gmtime(t)[:6]
def key(t, eid, ip="192.0.2.1"):
    return {"eventVersion": "1.08", "eventTime": iso(t), "eventSource": "s3.amazonaws.com",
            "eventName": "ListBuckets", "awsRegion": "us-east-1", "sourceIPAddress": ip,
            "userAgent": "test-agent", "eventID": eid,
            "userIdentity": {"type": "IAMUser", "userName": "kim", "accountId": "111111111111",
                             "arn": "arn:aws:iam::111111111111:user/kim",
                             "accessKeyId": "AKIAAAAAAAAAAAAAAAA1"}}
def write(path, records):
    with open(f"{T}/{path}", "w") as f:
        json.dump({"Records": records}, f, indent=1)
# e1 new; e2..e4 each a day after the one before (not new); e5 eleven days after e4 (new)
evs = [key(T0, "e1"), key(T0 + D, "e2"), key(T0 + 2*D, "e3"), key(T0 + 3*D, "e4"),
       key(T0 + 14*D, "e5")]
for i, e in enumerate(evs):
    write(f"ordered/{i}.json", [e])
    write(f"reversed/{9-i}.json", [e])
# w: its kept copy (a.json, first in sorted order) is a day after x2; its other copy
# (b.json), an hour before x2, is the one a table source below gives first
write("dup/a.json", [key(T0 + D, "w")])
write("dup/b.json", [key(T0 - 3600, "w")])
write("dup/c.json", [key(T0, "x2")])
PY
q() {
  sqlite3 :memory: ".load $EXT" "$1" \
    "SELECT event_id, event_time, new_terms FROM detect('$2') WHERE pack = '2026-08-21'
      AND rule_id = '9f8e3c5e-f72e-4e91-93f6-e98a4fae3e4f' ORDER BY event_time, event_id;"
}
tables="CREATE TABLE rev AS SELECT * FROM cloudtrail('$T/ordered') ORDER BY eventTime DESC;
CREATE TABLE dup AS SELECT * FROM cloudtrail('$T/dup')
 ORDER BY instr('bca', substr(source_file, -6, 1));"
for src in "ordered:path:$T/ordered" "reversed:path:$T/reversed" "table:table:rev" \
           "dup:path:$T/dup" "dup-table:table:dup"; do
  name=${src%%:*}; arg=${src#*:}
  echo "-- $name"
  a=$(q "$tables" "$arg" 2>&1)
  b=$(q "$tables SELECT cloudtrail_prefilter(0);" "$arg" 2>&1 | sed 1d)
  echo "$a"
  [ "$a" = "$b" ] || echo "differs with the prefilter off: $b"
done
