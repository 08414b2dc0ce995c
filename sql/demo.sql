-- The demo: what an incident responder runs first on a folder of CloudTrail logs.
-- From the repository root: make demo   (or: sqlite3 -box :memory: < sql/demo.sql)
.load build/cloudtrail
.print '1. What is in the folders? (the hygiene report)'
SELECT CASE WHEN file LIKE 'data/damaged/%' THEN 'data/damaged' ELSE 'data/AWSLogs' END AS folder,
       format, status, count(*) AS files, sum(records) AS records
  FROM (SELECT * FROM cloudtrail_files('data/AWSLogs') UNION ALL SELECT * FROM cloudtrail_files('data/damaged'))
 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;
.print '2. What was damaged, and where?'
SELECT replace(file, 'data/damaged/', '') AS file, records, status, error
  FROM cloudtrail_files('data/damaged') WHERE status <> 'ok';
.print '3. The busiest API calls'
CREATE TEMP TABLE trail AS SELECT * FROM cloudtrail('data/AWSLogs');
SELECT eventSource, eventName, count(*) AS events, sum(outcome = 'failure') AS failed
  FROM trail GROUP BY 1, 2 ORDER BY events DESC, 1, 2 LIMIT 6;
.print '4. Who turned MFA off? (successful DeactivateMFADevice / DeleteVirtualMFADevice)'
SELECT eventTime, eventName, actor, target_user, sourceIPAddress AS source_ip
  FROM trail
 WHERE eventSource = 'iam.amazonaws.com'
   AND eventName IN ('DeactivateMFADevice', 'DeleteVirtualMFADevice')
   AND outcome = 'success'
 GROUP BY eventID ORDER BY event_epoch, eventID;
.print '5. ... and what did alice do in the 24 hours after turning hers off?'
SELECT e.eventTime, e.eventName, e.sourceIPAddress AS source_ip, e.outcome,
       e.event_epoch - a.event_epoch AS seconds_after
  FROM trail a JOIN trail e
    ON e.actor = a.actor AND e.event_epoch BETWEEN a.event_epoch AND a.event_epoch + 86400
 WHERE a.eventName = 'DeactivateMFADevice' AND a.outcome = 'success' AND a.user_name = 'alice'
 ORDER BY e.event_epoch LIMIT 10;
