-- The sample corpus in data/ (written by data/generate.c): totals, layout, and salvage
-- of the damaged copies in data/damaged.
.load @EXT@
.headers on
SELECT format, status, count(*) AS files, sum(records) AS records
  FROM cloudtrail_files('data/AWSLogs') GROUP BY 1, 2 ORDER BY 1, 2;
CREATE TEMP TABLE trail AS SELECT * FROM cloudtrail('data/AWSLogs');
SELECT count(*) AS records, count(DISTINCT eventID) AS events, min(eventTime), max(eventTime) FROM trail;
-- the account and region of every record agree with AWS's file naming
SELECT f.account, f.region, count(DISTINCT f.file) AS files, sum(f.records) AS records
  FROM cloudtrail_files('data/AWSLogs') f WHERE f.format = 'records' GROUP BY 1, 2 ORDER BY 1, 2;
SELECT count(*) AS mismatched FROM trail t JOIN cloudtrail_files('data/AWSLogs') f ON f.file = t.source_file
 WHERE t.recipientAccountId <> f.account OR t.awsRegion <> f.region;
-- the successful MFA deactivations and deletions (the rule's events)
SELECT eventID, eventTime, eventName, actor, target_user, outcome, errorCode
  FROM trail
 WHERE eventSource = 'iam.amazonaws.com' AND eventName IN ('DeactivateMFADevice', 'DeleteVirtualMFADevice')
 ORDER BY event_epoch, eventID;
-- big integers and non-ASCII text survive
SELECT eventID, requestParameters ->> '$.numberOfBytes' IS NOT NULL AS has_big,
       instr(requestParameters, '12345678901234567890123') > 0 AS exact
  FROM trail WHERE eventID LIKE '%990001';
SELECT eventID, userAgent FROM trail WHERE eventID LIKE '%990003';
-- salvage: every record recovered from a damaged copy is identical to the original,
-- and they are the ones before the damage
.headers off
CREATE TEMP TABLE damaged AS SELECT * FROM cloudtrail('data/damaged');
SELECT replace(f.file, 'data/damaged/', ''), f.records, f.status, f.error,
       (SELECT count(*) FROM damaged d JOIN trail o ON o.record = d.record AND o.record_index = d.record_index
         WHERE d.source_file = f.file) AS identical,
       (SELECT count(*) FROM trail o WHERE o.source_file LIKE '%/' || replace(f.file, 'data/damaged/', '')) AS original
  FROM cloudtrail_files('data/damaged') f;
SELECT count(*) AS out_of_order FROM damaged d
 WHERE d.record_index >= (SELECT records FROM cloudtrail_files('data/damaged') f WHERE f.file = d.source_file)
   AND d.source_file NOT LIKE '%1405Z%';
