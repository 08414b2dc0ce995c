-- The demo: what an incident responder runs first on a folder of CloudTrail logs.
-- Run from the repository root: sqlite3 -box :memory: < sql/demo.sql   (or: make demo)
.load build/cloudtrail
.print '1. What is in the folder (the hygiene report)'
SELECT format, status, count(*) AS files, sum(records) AS records
  FROM cloudtrail_files('data') GROUP BY format, status ORDER BY files DESC;
.print '2. The busiest API calls'
SELECT eventSource, eventName, count(*) AS events, sum(outcome = 'failure') AS failed
  FROM cloudtrail('data') GROUP BY 1, 2 ORDER BY events DESC LIMIT 8;
.print '3. Who turned off MFA? (successful DeactivateMFADevice / DeleteVirtualMFADevice)'
CREATE TEMP TABLE trail AS SELECT * FROM cloudtrail('data');
SELECT eventTime, eventName, actor, target_user, sourceIPAddress, account_id
  FROM trail
 WHERE eventSource = 'iam.amazonaws.com'
   AND eventName IN ('DeactivateMFADevice', 'DeleteVirtualMFADevice')
   AND outcome = 'success'
 ORDER BY event_epoch, eventID;
.print '4. ... and what did that identity do in the next 24 hours?'
SELECT a.eventTime AS mfa_off_at, e.eventTime, e.eventName, e.sourceIPAddress, e.outcome
  FROM trail a JOIN trail e
    ON e.actor = a.actor
   AND e.event_epoch BETWEEN a.event_epoch AND a.event_epoch + 86400
 WHERE a.eventSource = 'iam.amazonaws.com' AND a.eventName = 'DeactivateMFADevice'
   AND a.outcome = 'success' AND a.user_name = 'alice'
 ORDER BY e.event_epoch LIMIT 12;
