-- The demo: "who turned off MFA, and what did they do next?" on the sample logs in data/.
-- From the repository root: make demo   (or: sqlite3 -box :memory: < sql/demo.sql)
.load build/cloudtrail
.print '1. What is in the folders? (the hygiene report)'
SELECT CASE WHEN file LIKE 'data/damaged/%' THEN 'data/damaged' ELSE 'data/AWSLogs' END AS folder,
       format, status, count(*) AS files, sum(records) AS records
  FROM (SELECT * FROM cloudtrail_files('data/AWSLogs') UNION ALL SELECT * FROM cloudtrail_files('data/damaged'))
 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;
.print ''
.print '2. What was damaged, and where?'
SELECT replace(file, 'data/damaged/', '') AS file, records, status, error
  FROM cloudtrail_files('data/damaged') WHERE status <> 'ok';
.print ''
.print '3. The alerts: AWS IAM Deactivation of MFA Device (Elastic rule d8fc1cca, 2024-04-14)'
CREATE VIRTUAL TABLE temp.trail USING cloudtrail('data/AWSLogs');
.read sql/investigate.sql
CREATE TEMP TABLE alerts AS SELECT * FROM mfa_deactivation_alerts;
SELECT substr(alert_id, 1, 8) AS alert, event_time, event_name, user_name, target_user,
       source_address AS source, substr(user_agent, 1, 20) AS user_agent
  FROM alerts;
-- the alert we follow: the first one where someone turned off another user's MFA
CREATE TEMP TABLE the_alert AS
  SELECT * FROM alerts WHERE target_user <> user_name ORDER BY event_epoch LIMIT 1;
.print ''
.print "4. The alert we follow (the first that turns off another user's MFA): what did the same identity do in the 48 hours before it?"
SELECT w.event_time, w.offset_seconds AS offset_s, w.event_source, w.event_name,
       w.source_address AS source, w.outcome, w.is_alert
  FROM mfa_alert_window_48h w JOIN the_alert USING (alert_id)
 ORDER BY w.event_epoch DESC LIMIT 8;
.print '   (the 8 latest; count(*) FROM mfa_alert_window_48h gives all of them)'
.print ''
.print '5. Its guide, step 2: "Investigate other alerts associated with the user account during the past 48 hours"'
-- the view mfa_alert_other_alerts_48h: every alert of Elastic's 2024-04-18 pack over the
-- same logs by the same user (the same actor, or the same user_name in the same account: what
-- Elastic's alerts group by) in the 48 hours up to the alert, the alert itself left out
SELECT o.event_time, o.offset_seconds AS offset_s, o.rule_name, o.severity, o.event_name,
       o.group_count AS events, o.same_actor, o.same_user_account, o.source_address AS source
  FROM mfa_alert_other_alerts_48h o JOIN the_alert USING (alert_id)
 ORDER BY o.event_time, o.rule_name;
.print ''
.print '6. ... and in the 24 hours after it, the actor and the user whose MFA was removed'
SELECT w.event_time, w.offset_seconds AS offset_s, w.subject, w.event_name,
       w.access_key_id, w.source_address AS source, w.outcome
  FROM mfa_alert_window_24h w JOIN the_alert USING (alert_id)
 WHERE w.offset_seconds >= 0 AND w.offset_seconds < 7200
 ORDER BY w.event_epoch;
.print '   (the first two hours; the view spans 24 hours either side)'
.print ''
.print '7. The scope of that window: services, resources and addresses, per subject'
SELECT s.subject, s.event_source, s.events, s.failures, substr(s.event_names, 1, 60) AS event_names,
       s.source_addresses, substr(s.resources, 1, 60) AS resources
  FROM mfa_alert_scope_24h s JOIN the_alert USING (alert_id);
.print ''
.print '8. Who is really behind a session? The alert in 444455556666 by OrganizationAccountAccessRole, hop by hop back to whoever started the chain (cloudtrail_sessions)'
SELECT substr(a.alert_id, 1, 8) AS alert, a.user_name, a.origin_arn AS origin, j.key AS hop,
       json_extract(j.value, '$.access_key_id') AS credential,
       json_extract(j.value, '$.event') AS issued_by,
       json_extract(j.value, '$.caller_arn') AS called_by, json_extract(j.value, '$.link') AS link
  FROM alerts a, json_each(a.origin_chain) j
 WHERE a.user_name = 'OrganizationAccountAccessRole';
.print ''
.print '9. ... and what every credential of that origin did in the 10 minutes up to the alert and 5 after (mfa_alert_window_24h_origin)'
SELECT w.event_time, w.offset_seconds AS offset_s, w.event_name, w.account_id,
       w.access_key_id, w.hops, w.source_address AS source
  FROM mfa_alert_window_24h_origin w JOIN alerts a USING (alert_id)
 WHERE a.user_name = 'OrganizationAccountAccessRole' AND w.offset_seconds BETWEEN -600 AND 300
 ORDER BY w.event_epoch;
.print ''
.print '10. Are the logs complete and untouched? The digest files, checked with the public key (cloudtrail_digests)'
CREATE TEMP TABLE trail_digests AS SELECT * FROM cloudtrail_digests('data/AWSLogs', 'data/public-keys');
SELECT kind, status, signature, count(*) AS files FROM trail_digests GROUP BY 1, 2, 3 ORDER BY 1 DESC, 2;
SELECT l.status, replace(l.s3_object, rtrim(l.s3_object, replace(l.s3_object, '/', '')), '') AS log_file,
       d.start_time AS its_digest_from, d.end_time AS its_digest_to
  FROM trail_digests l LEFT JOIN trail_digests d ON d.kind = 'digest' AND d.s3_object = l.digest
 WHERE l.kind = 'log' AND l.status <> 'ok';
.print ''
.print '11. ... for the windows of the alert we follow: what the digests vouch for (mfa_alert_coverage)'
SELECT c.account, c.region, c.digests, c.covered, c.uncovered_seconds AS uncovered_s, c.logs, c.ok,
       c.missing, c.altered + c.unlisted + c.unverified + c.other AS other
  FROM mfa_alert_coverage c JOIN the_alert a USING (alert_id)
 ORDER BY c.account, c.region;
.print '   (uncovered: the span starts 48 hours before the alert, the sample 25 hours before it)'
