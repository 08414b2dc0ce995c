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
-- salvage: the records recovered from each damaged copy, how many are identical to the
-- original, and how many the original holds. A flipped byte inside the deflate data
-- (the checksum error) can also alter records that still parse: that is why such a file
-- is 'partial' even though its record count looks complete.
.headers off
CREATE TEMP TABLE damaged AS SELECT * FROM cloudtrail('data/damaged');
SELECT replace(f.file, 'data/damaged/', ''), f.records, f.status, f.error,
       (SELECT count(*) FROM damaged d JOIN trail o ON o.record = d.record AND o.record_index = d.record_index
         WHERE d.source_file = f.file) AS identical,
       (SELECT count(*) FROM trail o WHERE o.source_file LIKE '%/' || replace(f.file, 'data/damaged/', '')) AS original
  FROM cloudtrail_files('data/damaged') f;
