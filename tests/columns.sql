-- Every column of one record, raw CloudTrail names first, then derived, then provenance.
.load @EXT@
.mode line
SELECT *, path, strict FROM cloudtrail('tests/fixtures/columns/identities.jsonl', 0) WHERE record_index = 2;
.mode list
-- nested values come back as JSON text that SQLite's JSON functions read
SELECT json_valid(userIdentity), userIdentity ->> '$.invokedBy', resources ->> '$[0].ARN'
  FROM cloudtrail('tests/fixtures/columns/identities.jsonl') WHERE record_index = 2;
-- big integers keep every digit (they never pass through a double)
SELECT requestParameters
  FROM cloudtrail('tests/fixtures/columns/identities.jsonl') WHERE record_index = 10;
-- the record column is the record's own text, byte for byte
SELECT record = (SELECT record FROM cloudtrail('tests/fixtures/records_compact.json') WHERE record_index = 0),
       length(record)
  FROM cloudtrail('tests/fixtures/ndjson.jsonl') WHERE record_index = 0;
-- the column names, in order
SELECT group_concat(name || (CASE hidden WHEN 0 THEN '' ELSE '(hidden)' END), ' ')
  FROM pragma_table_xinfo('cloudtrail');
SELECT group_concat(name || (CASE hidden WHEN 0 THEN '' ELSE '(hidden)' END), ' ')
  FROM pragma_table_xinfo('cloudtrail_files');
