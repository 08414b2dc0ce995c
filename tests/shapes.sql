-- Every input shape, detected by content: which records each file gives, in order.
.load @EXT@
SELECT replace(source_file, 'tests/fixtures/', '') AS file,
       group_concat(record_index || ':' || coalesce(eventName, eventType), ' ') AS records
  FROM (SELECT rowid AS n, * FROM cloudtrail('tests/fixtures') ORDER BY rowid)
 GROUP BY source_file
 ORDER BY min(n);
-- rowids run 1..n in scan order; the total matches the hygiene report
SELECT count(*), min(rowid), max(rowid) FROM cloudtrail('tests/fixtures');
SELECT sum(records) FROM cloudtrail_files('tests/fixtures');
-- an EventBridge record is the envelope's detail object
SELECT eventName, substr(record, 1, 30) FROM cloudtrail('tests/fixtures/eventbridge.json');
-- the Insights event keeps its details
SELECT eventType, eventCategory, insightDetails ->> '$.eventName' FROM cloudtrail('tests/fixtures/AWSLogs')
 WHERE eventCategory = 'Insight';
