#!/bin/sh
# cloudtrail_import: a case file in an ordinary table. The imported table equals the
# de-duplicated trail (copy = 1) column for column; re-import, verify, a changed file (its
# copies in other files come back), duplicates in either import order, a removed file, a
# damaged file, a crash mid-import (kill -9), the rules and sessions on the table,
# trusted_schema=off, a reader without the extension, a user's transaction, damaged stored
# bytes, the case file attached under other names.
D=build/tmp/import
rm -rf $D && mkdir -p $D
# Under `make asan-test` LD_PRELOAD holds the sanitizer runtimes: keep them for sqlite3 only
# (the shell, sed, gzip and python3 would report their own leaks).
preload=${LD_PRELOAD-}
unset LD_PRELOAD
sq() { if [ -n "$preload" ]; then LD_PRELOAD=$preload sqlite3 "$@"; else sqlite3 "$@"; fi; }
q() { qdb=$1; shift; sq -bail "$qdb" -cmd ".load $EXT" "$@" 2>&1; }
COLS="eventVersion,eventTime,eventSource,eventName,awsRegion,sourceIPAddress,userAgent,errorCode,errorMessage,requestParameters,responseElements,additionalEventData,requestID,eventID,readOnly,resources,eventType,apiVersion,managementEvent,recipientAccountId,serviceEventDetails,sharedEventID,vpcEndpointId,eventCategory,tlsDetails,sessionCredentialFromConsole,userIdentity,insightDetails,event_epoch,user_type,user_arn,principal_id,access_key_id,invoked_by,session_issuer_arn,source_identity,mfa_authenticated,user_name,account_id,actor,outcome,target_user,source_file,record_index,record"
SUM="import_id, files_added, files_changed, files_unchanged, files_missing, files_failed, records_added, records_replaced, duplicates_skipped"
# rows of the table not in the files' de-duplicated trail, and the other way round
same() { q "$1" "SELECT 'table-only', count(*) FROM (SELECT $COLS FROM events EXCEPT SELECT $COLS FROM cloudtrail('$2') WHERE copy = 1)" \
                "SELECT 'files-only', count(*) FROM (SELECT $COLS FROM cloudtrail('$2') WHERE copy = 1 EXCEPT SELECT $COLS FROM events)"; }
# every manifest file has exactly its `imported` rows
custody() { q "$1" "SELECT 'files whose rows differ from imported', count(*) FROM events_files f WHERE imported <> (SELECT count(*) FROM events e WHERE e.file_id = f.file_id)" \
                   "SELECT 'rows without a file', count(*) FROM events WHERE file_id NOT IN (SELECT file_id FROM events_files)"; }

echo "-- import of data/AWSLogs"
cp -r data/AWSLogs $D/AWSLogs
A=$D/a.db
q $A "SELECT $SUM FROM cloudtrail_import('events', '$D/AWSLogs')"
q $A "SELECT status, count(*), sum(records), sum(imported), sum(duplicates) FROM events_files GROUP BY 1"
same $A $D/AWSLogs
custody $A
q $A "SELECT count(*) FROM events" "SELECT count(*) FROM cloudtrail('$D/AWSLogs') WHERE copy = 1"
echo "-- the rules and the sessions read the table as they read the files"
q $A "SELECT count(*) FROM (SELECT * FROM detect_mfa_deactivation('table:events') EXCEPT SELECT * FROM detect_mfa_deactivation('$D/AWSLogs'))" \
     "SELECT count(*) FROM (SELECT * FROM detect_mfa_deactivation('$D/AWSLogs') EXCEPT SELECT * FROM detect_mfa_deactivation('table:events'))" \
     "SELECT count(*) FROM detect_mfa_deactivation('table:events')"
q $A "SELECT count(*) FROM (SELECT * FROM detect('table:events') EXCEPT SELECT * FROM detect('$D/AWSLogs'))" \
     "SELECT count(*) FROM (SELECT * FROM detect('$D/AWSLogs') EXCEPT SELECT * FROM detect('table:events'))" \
     "SELECT count(*) FROM detect('table:events')"
q $A "SELECT count(*) FROM (SELECT * FROM cloudtrail_sessions('table:events') EXCEPT SELECT * FROM cloudtrail_sessions('$D/AWSLogs'))" \
     "SELECT count(*) FROM (SELECT * FROM cloudtrail_sessions('$D/AWSLogs') EXCEPT SELECT * FROM cloudtrail_sessions('table:events'))" \
     "SELECT count(*) FROM cloudtrail_sessions('table:events')"

echo "-- the columns: the cloudtrail table's, then where the record lies; generated ones are virtual"
q $A "SELECT group_concat(name || CASE hidden WHEN 2 THEN '*' ELSE '' END, ' ') FROM pragma_table_xinfo('events')"
q $A "SELECT name FROM sqlite_schema WHERE tbl_name LIKE 'events%' ORDER BY 1"
echo "-- the manifest: sizes and hashes as stored on disk"
F=$D/AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/03/111122223333_CloudTrail_us-east-1_20260303T2015Z_Kqq6fbTDceekiYuC.json.gz
q $A "SELECT size = $(wc -c <$F), sha256 = '$(sha256sum $F | cut -c1-64)', mtime_ns = $(stat -c %Y $F)000000000 + $(stat -c %y $F | sed 's/.*\.\([0-9]*\) .*/\1/' | sed 's/^0*//;s/^$/0/'), import_id, first_import_id, changed FROM events_files WHERE path = '$F'"

echo "-- re-import: nothing read; verify = 1: every file hashed, nothing changed"
q $A "SELECT $SUM FROM cloudtrail_import('events', '$D/AWSLogs')"
q $A "SELECT $SUM FROM cloudtrail_import('events', '$D/AWSLogs', 1)"
echo "-- a new mtime, the same bytes: unchanged (hashed)"
touch -d '2026-03-05 00:00:00' $F
q $A "SELECT $SUM FROM cloudtrail_import('events', '$D/AWSLogs')"
q $A "SELECT datetime(mtime, 'unixepoch'), changed FROM events_files WHERE path = '$F'"

echo "-- a changed file: its rows replaced; the copy it held of an event in another file comes back"
q $A "SELECT source_file = '$F', record_index FROM events WHERE eventID = '00000000-0000-4000-8000-000000060001'"
python3 - "$F" <<'PY'
import gzip, json, sys
f = sys.argv[1]
d = json.loads(gzip.open(f).read())
d["Records"] = d["Records"][:3]
d["Records"][0]["eventName"] = "ChangedAfterImport"
gzip.open(f, "wb").write(json.dumps(d).encode())
PY
q $A "SELECT $SUM FROM cloudtrail_import('events', '$D/AWSLogs')"
q $A "SELECT records, imported, duplicates, changed, import_id, first_import_id FROM events_files WHERE path = '$F'"
q $A "SELECT record_index, eventName FROM events WHERE source_file = '$F' ORDER BY 1"
q $A "SELECT substr(source_file, -25), record_index FROM events WHERE eventID = '00000000-0000-4000-8000-000000060001'"
same $A $D/AWSLogs
custody $A

echo "-- a removed file: missing, its rows kept"
G=$D/AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/03/111122223333_CloudTrail_us-east-1_20260303T2020Z_kbGuVsB0HIvJIm20.json.gz
n=$(q $A "SELECT count(*) FROM events WHERE source_file = '$G'")
rm $G
q $A "SELECT $SUM FROM cloudtrail_import('events', '$D/AWSLogs')"
q $A "SELECT status, imported FROM events_files WHERE path = '$G'"
q $A "SELECT count(*) = $n FROM events WHERE source_file = '$G'"
echo "-- a file outside the folder imported is not missing"
q $A "SELECT files_missing FROM cloudtrail_import('events', '$D/AWSLogs/111122223333/CloudTrail/eu-west-1')"

echo "-- duplicates across files: the same rows whatever the import order"
E=$D/dup
mkdir -p $E/a $E/b
rec() { printf '{"eventVersion":"1.08","eventTime":"2026-03-02T10:0%s:00Z","eventName":"%s"%s}' "$1" "$2" "$3"; }
{ printf '{"Records":['; rec 1 Get ',"eventID":"e1","userAgent":"a"'; printf ','
  rec 2 Put ',"eventID":"e2","userAgent":"a"'; printf ','; rec 3 Get ''; printf ','
  rec 9 Nid ''; printf ','; rec 6 Get ',"eventID":7'; printf ']}'; } >$E/a/1.json
{ printf '{"Records":['; rec 1 Get ',"eventID":"e1","userAgent":"b"'; printf ','
  rec 2 Put ',"eventID":"e2","userAgent":"b"'; printf ','; rec 9 Nid ''; printf ','
  rec 4 Get ''; printf ','; rec 6 Get ',"eventID":"7"'; printf ']}'; } | gzip >$E/b/2.json.gz
q $D/d1.db "SELECT $SUM FROM cloudtrail_import('events', '$E/b')" "SELECT $SUM FROM cloudtrail_import('events', '$E')"
q $D/d2.db "SELECT $SUM FROM cloudtrail_import('events', '$E')"
for db in d1 d2; do
  q $D/$db.db "SELECT '$db', group_concat(x, ' ') FROM (SELECT substr(source_file, 23) || ':' || record_index || ':' || ifnull(eventID, '-') || ':' || ifnull(userAgent, '-') AS x FROM events ORDER BY source_file, record_index)"
  q $D/$db.db "SELECT '$db', group_concat(x, ' ') FROM (SELECT substr(path, 23) || ':' || imported || '+' || duplicates AS x FROM events_files ORDER BY path)"
  custody $D/$db.db
done
echo "-- an exact copy of a record without an eventID is one row (cloudtrail's copy counts only eventIDs)"
q $D/d2.db "SELECT count(*) FROM events WHERE eventName = 'Nid'" "SELECT count(*) FROM cloudtrail('$E') WHERE eventName = 'Nid' AND copy = 1"

echo "-- a damaged file: partial, its readable records imported, the error with its offset"
mkdir -p $D/damaged && cp tests/fixtures/damaged/malformed_record.json tests/fixtures/damaged/truncated.json.gz tests/fixtures/damaged/not_a_record.json $D/damaged/
q $D/g.db "SELECT $SUM FROM cloudtrail_import('events', '$D/damaged')"
q $D/g.db "SELECT substr(path, 23), status, format, records, imported, duplicates, error FROM events_files ORDER BY path"
same $D/g.db $D/damaged

echo "-- PRAGMA trusted_schema=off: the generated columns still work (innocuous functions)"
q $A "PRAGMA trusted_schema=off" "SELECT count(*), count(record), count(requestParameters), sum(length(userIdentity)) > 0 FROM events"
echo "-- without the extension: stored columns read, generated ones need it"
sq $A "SELECT count(*), count(DISTINCT eventName), count(actor) FROM events" 2>&1
python3 - $A <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
try:
    db.execute("SELECT record FROM events LIMIT 1").fetchall()
except sqlite3.Error as e:
    print("record:", e)
PY

echo "-- the stored bytes: each gzip file as read (its SHA-256 is the manifest's), once"
q $A "SELECT encoding, count(*), sum(plain_size) > 0 FROM events_content GROUP BY 1"
q $A "SELECT count(*) FROM events_files WHERE imported > 0 AND file_id NOT IN (SELECT file_id FROM events_content)"
q $A "SELECT writefile('$D/stored.gz', bytes) > 0 FROM events_content c JOIN events_files f USING (file_id) WHERE path = '$F'"
q $A "SELECT sha256 = '$(sha256sum $D/stored.gz | cut -c1-64)' FROM events_files WHERE path = '$F'"
echo "-- plain JSON and damaged files: the bytes the records index into, compressed by the import"
q $D/g.db "SELECT substr(path, 23), encoding, plain_size FROM events_content JOIN events_files USING (file_id) ORDER BY path"

echo "-- damaged stored bytes, a wrong size, a span that is not one record: errors, never text"
cp $A $D/bad.db
q $D/bad.db "UPDATE events_content SET bytes = substr(bytes, 1, 200) || zeroblob(1) || substr(bytes, 202) WHERE file_id = 1" \
  "SELECT record FROM events WHERE file_id = 1 LIMIT 1"
cp $A $D/bad.db
q $D/bad.db "UPDATE events_content SET plain_size = plain_size + 1 WHERE file_id = 1" \
  "SELECT eventType FROM events WHERE file_id = 1 LIMIT 1"
cp $A $D/bad.db
q $D/bad.db "UPDATE events SET record_offset = record_offset + 1 WHERE rowid = 1" "SELECT record FROM events WHERE rowid = 1"
q $D/bad.db "UPDATE events SET record_offset = 1e9 WHERE rowid = 1" "SELECT record FROM events WHERE rowid = 1"
q $D/bad.db "DELETE FROM events_content WHERE file_id = 2" "SELECT record FROM events WHERE file_id = 2 LIMIT 1"
q $D/bad.db "SELECT cloudtrail_field(1, 'events', file_id, record_offset, record_length, 'nosuch') FROM events LIMIT 1"
q $D/bad.db "SELECT quote(cloudtrail_record(NULL, 'events', 1, 0, 2)), quote(cloudtrail_source(1, 'events', NULL))"
q $D/bad.db "SELECT cloudtrail_record(42, 'events', 1, 0, 2)"

echo "-- the case file attached under any name, beside another case's table of the same name"
cp $A $D/copy.db
q $D/x2.db "ATTACH '$A' AS one" "SELECT count(*), sum(length(record)), count(DISTINCT source_file) FROM one.events"
q $D/x2.db "SELECT files_added > 0 FROM cloudtrail_import('events', '$E')" \
  "ATTACH '$A' AS one" "SELECT count(*), sum(length(record)), count(DISTINCT source_file) FROM events" \
  "SELECT count(*), sum(length(record)), count(DISTINCT source_file) FROM one.events"
q $D/x2.db "ATTACH '$A' AS one" "ATTACH '$D/copy.db' AS two" "SELECT count(record) FROM two.events"

echo "-- a name that exists but is not an import table is refused"
q $D/x.db "CREATE TABLE events(a)" "SELECT * FROM cloudtrail_import('events', '$E')"
q $D/x.db "CREATE VIEW trail AS SELECT 1" "SELECT * FROM cloudtrail_import('trail', '$E')"
q $D/x.db "CREATE TABLE t2(record_offset)" "SELECT * FROM cloudtrail_import('t2', '$E')"
echo "-- a schema-qualified name"
q $D/x.db "ATTACH '$D/aux.db' AS aux" "SELECT $SUM FROM cloudtrail_import('aux.ev', '$E')" "SELECT count(*) FROM aux.ev"
echo "-- not from a view or a trigger (direct only)"
q $D/x.db "CREATE VIEW v AS SELECT * FROM cloudtrail_import('ev', '$E')" "SELECT * FROM v"

echo "-- the import raises the page cache to 64 MiB while it runs, then gives back the user's setting"
q $D/cache.db "PRAGMA cache_size=-3000" "SELECT files_added FROM cloudtrail_import('events', '$E')" "PRAGMA cache_size"

echo "-- a trigger on the table sees every generated column of the rows the import writes"
q $D/trig.db "SELECT files_added FROM cloudtrail_import('events', '$E')" "DELETE FROM events_files" "DELETE FROM events" \
  "DELETE FROM events_content" "CREATE TABLE seen(eventVersion, n_record)" \
  "CREATE TRIGGER events_seen AFTER INSERT ON events BEGIN INSERT INTO seen VALUES (NEW.eventVersion, length(NEW.record)); END" \
  "SELECT records_added FROM cloudtrail_import('events', '$E')" \
  "SELECT count(*), count(eventVersion), sum(n_record) = (SELECT sum(length(record)) FROM events) FROM seen"

echo "-- inside a user's transaction: savepoints, the user's ROLLBACK undoes it"
q $D/t.db "BEGIN" "SELECT files_added FROM cloudtrail_import('events', '$E')" "ROLLBACK" "SELECT count(*) FROM sqlite_schema"
q $D/t.db "BEGIN" "SELECT files_added FROM cloudtrail_import('events', '$E')" "COMMIT" "SELECT count(*) FROM events"

echo "-- a crash mid-import (kill -9): consistent, no half file, a re-run completes it"
C=$D/corpus
[ -x build/generate ] || make -s build/generate >/dev/null
# large enough that the import outlives its first commit (about 1 s); the ASan build is some
# four times slower, so it gets the same time from fewer events
ev=100000; [ -n "$preload" ] && ev=40000
build/generate $C --events $ev --days 2 --per-file 200 --no-stories >/dev/null
# WAL: the polls below read while the import writes, never waiting on its locks (with a
# rollback journal a poll could wait out the whole import and the kill come too late)
sqlite3 $D/crash.db "PRAGMA journal_mode=WAL" >/dev/null
# exec: the background job is sqlite3 itself, so that kill -9 hits it
( [ -n "$preload" ] && export LD_PRELOAD="$preload"
  exec sqlite3 $D/crash.db -cmd ".load $EXT" "SELECT * FROM cloudtrail_import('events', '$C')" >/dev/null 2>&1 ) &
pid=$!
i=0; n=0
while [ $i -lt 600 ]; do
  n=$(sqlite3 $D/crash.db ".timeout 2000" "SELECT count(*) FROM events_files" 2>/dev/null || echo 0)
  [ "${n:-0}" -ge 20 ] && break
  sleep 0.05; i=$((i+1))
done
kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
total=$(find $C -type f | wc -l)
q $D/crash.db "PRAGMA integrity_check"
q $D/crash.db "SELECT 'killed after some files and before the end', count(*) >= 20 AND count(*) < $total FROM events_files"
q $D/crash.db "SELECT 'the import row is unfinished', finished IS NULL FROM events_imports"
custody $D/crash.db
q $D/crash.db "SELECT files_added + files_unchanged = $total, files_changed, files_failed FROM cloudtrail_import('events', '$C')"
q $D/whole.db "SELECT files_added = $total FROM cloudtrail_import('events', '$C')"
events=$(q :memory: "SELECT count(*) FROM cloudtrail('$C') WHERE copy = 1")
for db in crash whole; do
  q $D/$db.db "SELECT '$db: every event once, as imported counts, and each file''s bytes stored', count(*) = $events, count(*) = (SELECT sum(imported) FROM events_files), (SELECT count(*) FROM events_content) = (SELECT count(*) FROM events_files WHERE records > 0) FROM events"
done
q $D/crash.db "ATTACH '$D/whole.db' AS w" \
  "SELECT 'rows differing', count(*) FROM (SELECT source_file, record_index, eventID, record FROM events EXCEPT SELECT source_file, record_index, eventID, record FROM w.events)" \
  "SELECT 'files differing', count(*) FROM (SELECT path, sha256, status, records, imported, duplicates FROM events_files EXCEPT SELECT path, sha256, status, records, imported, duplicates FROM w.events_files)"

echo "-- an interrupt (progress handler): the group in hand rolled back, consistent, a re-run completes"
# (where the interrupt lands depends on when a group commits, a matter of time: inside the
# import's own statements or the outer one, so the message's prefix varies)
q $D/int.db ".progress 100 --limit 300 --quiet" "SELECT * FROM cloudtrail_import('events', 'data/AWSLogs')" |
  grep -v '^Progress limit' | sed 's/^Error: stepping, .*interrupted.*/Error: interrupted/'

q $D/int.db "PRAGMA integrity_check"
custody $D/int.db
q $D/int.db "SELECT 'unfinished imports', count(*) FROM events_imports WHERE finished IS NULL"
q $D/int.db "SELECT files_added + files_unchanged, records_added FROM cloudtrail_import('events', 'data/AWSLogs')" "SELECT count(*) FROM events"
