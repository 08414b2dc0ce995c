-- Hostile and unusual input, written here with the shell's writefile(): huge records,
-- deep nesting, NUL bytes, invalid UTF-8, escapes. None may crash or cost a neighbour.
.load @EXT@
-- a 2 MiB requestParameters value between two ordinary records (and one just over 64 KiB)
SELECT writefile('build/tmp/edge/huge.jsonl',
  '{"eventName":"Before"}' || char(10) ||
  '{"eventName":"Huge","requestParameters":{"policy":"' || replace(hex(zeroblob(1048576)), '0', 'x') || '"}}' || char(10) ||
  '{"eventName":"Over64K","requestParameters":{"p":"' || replace(hex(zeroblob(32768)), '0', 'y') || '"}}' || char(10) ||
  '{"eventName":"After"}') > 0;
SELECT record_index, eventName, length(requestParameters), length(record) FROM cloudtrail('build/tmp/edge/huge.jsonl');
-- nesting: 1000 levels (the record counts as one) is read; 1001 is malformed
SELECT writefile('build/tmp/edge/deep.json',
  '[{"eventName":"Depth1000","requestParameters":' || replace(hex(zeroblob(999)), '00', '[') || replace(hex(zeroblob(999)), '00', ']') || '},' ||
  '{"eventName":"Depth1001","requestParameters":' || replace(hex(zeroblob(1000)), '00', '[') || replace(hex(zeroblob(1000)), '00', ']') || '},' ||
  '{"eventName":"Neighbour"}]') > 0;
SELECT record_index, eventName, length(requestParameters) FROM cloudtrail('build/tmp/edge/deep.json');
SELECT status, error FROM cloudtrail_files('build/tmp/edge/deep.json');
-- NUL bytes and invalid UTF-8 inside strings: the record is kept, the text is readable
SELECT writefile('build/tmp/edge/bytes.jsonl',
  CAST('{"eventName":"RawNul","userAgent":"a' AS BLOB) || x'00' || CAST('b"}' AS BLOB) || x'0a' ||
  CAST('{"eventName":"BadUtf8","userAgent":"a' AS BLOB) || x'ff' || CAST('b","requestParameters":{"k":"' AS BLOB) || x'c3' || CAST('"}}' AS BLOB) || x'0a' ||
  CAST('{"eventName":"Escapes","userAgent":"nul\u0000 pair\ud83d\ude00 lone\ud800 tab\t q\" e\u00e9"}' AS BLOB) || x'0a' ||
  CAST('{"eventName":"Utf8","userAgent":"日本 é"}' AS BLOB)) > 0;
SELECT record_index, eventName, length(userAgent), hex(userAgent) FROM cloudtrail('build/tmp/edge/bytes.jsonl');
SELECT record_index, json_valid(record), json_valid(requestParameters), record FROM cloudtrail('build/tmp/edge/bytes.jsonl')
 WHERE record_index IN (0, 1);
SELECT status, records FROM cloudtrail_files('build/tmp/edge/bytes.jsonl');
-- keys are compared after decoding escapes, and the first of duplicate keys wins
SELECT writefile('build/tmp/edge/keys.json',
  '{"event\u004eame":"Escaped","eventSource":"first","eventSource":"second"}') > 0;
SELECT eventName, eventSource FROM cloudtrail('build/tmp/edge/keys.json');
-- values of unexpected types come back as their JSON text
SELECT writefile('build/tmp/edge/types.json',
  '{"eventName":"Types","eventVersion":1.1,"awsRegion":true,"errorCode":["x"],"readOnly":"yes","eventTime":20260302}') > 0;
SELECT eventVersion, awsRegion, errorCode, readOnly, eventTime, event_epoch, outcome FROM cloudtrail('build/tmp/edge/types.json');
-- a record needs a string eventName (or to be an Insights event)
SELECT writefile('build/tmp/edge/names.json',
  '[{"eventName":null},{"eventName":""},{"eventName":1},{"noName":true},{"eventName":"Ok"}]') > 0;
SELECT record_index, quote(eventName) FROM cloudtrail('build/tmp/edge/names.json');
SELECT format, records, status, error FROM cloudtrail_files('build/tmp/edge/names.json');
-- many records in one file (100,000 lines, 5 MB)
SELECT writefile('build/tmp/edge/many.jsonl', (
  WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i+1 FROM n WHERE i < 99999)
  SELECT group_concat('{"eventName":"E' || (i % 7) || '","eventID":"' || i || '"}', char(10)) FROM n)) > 0;
SELECT count(*), count(DISTINCT eventID), min(record_index), max(record_index) FROM cloudtrail('build/tmp/edge/many.jsonl');
SELECT eventName, count(*) FROM cloudtrail('build/tmp/edge/many.jsonl') GROUP BY 1 ORDER BY 1;
-- a record longer than SQLITE_LIMIT_LENGTH is a problem of its own, not a failed scan
.limit length 100000
SELECT record_index, eventName FROM cloudtrail('build/tmp/edge/huge.jsonl');
SELECT records, status, error FROM cloudtrail_files('build/tmp/edge/huge.jsonl');
SELECT count(*) FROM cloudtrail('build/tmp/edge/huge.jsonl', 1);
.limit length 1000000000
