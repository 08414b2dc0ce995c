-- detect(): every supported `query` rule of a pack in one pass over the sample data.
.load @EXT@
.mode list
-- the MFA rule of pack 2024-04-18 answers exactly as detect_mfa_deactivation: every column
-- the two share, row for row (rows in either and not the other: 0 and 0)
CREATE TEMP TABLE mfa AS SELECT alert_id, rule_id, rule_name, severity, risk_score, tactic_id, tactic_name, technique_id, technique_name, event_time, event_epoch, event_id, event_name, event_source, aws_region, account_id, actor, user_type, user_name, user_arn, access_key_id, mfa_authenticated, source_address, source_ip, user_agent, target_user, mfa_serial, source_file, record
  FROM detect_mfa_deactivation('data/AWSLogs');
CREATE TEMP TABLE d AS SELECT alert_id, rule_id, rule_name, severity, risk_score, tactic_id, tactic_name, technique_id, technique_name, event_time, event_epoch, event_id, event_name, event_source, aws_region, account_id, actor, user_type, user_name, user_arn, access_key_id, mfa_authenticated, source_address, source_ip, user_agent, target_user, mfa_serial, source_file, record
  FROM detect('data/AWSLogs') WHERE pack = '2024-04-18' AND rule_id = 'd8fc1cca-93ed-43c1-bbb6-c0dd3eff2958';
SELECT 'mfa', (SELECT count(*) FROM mfa), (SELECT count(*) FROM d),
       (SELECT count(*) FROM (SELECT * FROM mfa EXCEPT SELECT * FROM d)),
       (SELECT count(*) FROM (SELECT * FROM d EXCEPT SELECT * FROM mfa));
-- every alert of the default pack (2024-04-18), in the table's own order
SELECT rule_name, rule_type, event_name, event_id FROM detect('data/AWSLogs');
SELECT 'default pack', count(*), count(DISTINCT pack), min(pack)
  FROM detect('data/AWSLogs');
-- the same from a table made of the records: same alert ids
CREATE TEMP TABLE mat AS SELECT * FROM cloudtrail('data/AWSLogs');
SELECT 'table', count(*) FROM (SELECT alert_id FROM detect('data/AWSLogs')
  EXCEPT SELECT alert_id FROM detect('table:mat'));
-- pack filter: the other pack's rules
SELECT pack, rule_name, event_name, event_id FROM detect('data/AWSLogs')
 WHERE pack = '2026-08-21';
-- rule_id filter: only that rule is run (and with since/until, only inside the bounds)
SELECT rule_name, event_id FROM detect('data/AWSLogs')
 WHERE rule_id = 'e2a67480-3b79-403d-96e3-fdd2992c50ef';
SELECT rule_name, event_time, since, until FROM detect('data/AWSLogs', '2026-03-03', '2026-03-03T23:59:59Z')
 WHERE pack = '2024-04-18' AND rule_id = (SELECT rule_id FROM cloudtrail_rules
   WHERE pack = '2024-04-18' AND name = 'AWS Management Console Root Login');
-- no rule of that id: no rows
SELECT 'no such rule', count(*) FROM detect('data/AWSLogs') WHERE rule_id = 'nope';
-- an unknown pack is an error
SELECT count(*) FROM detect('data/AWSLogs') WHERE pack = 'nope';
-- a view reading itself through detect is an error, not a stack overflow; it reads files:
-- not innocuous, so refused inside a database's views when the schema is untrusted
CREATE VIEW loop AS SELECT record FROM detect('table:loop');
SELECT count(*) FROM loop;
PRAGMA trusted_schema = OFF;
CREATE VIEW hostile AS SELECT count(*) FROM detect('data/AWSLogs');
SELECT * FROM hostile;
-- the rule_id constraint, pushed down, gives exactly the rows of its +rule_id twin
SELECT 'rule_id twin', (SELECT count(*) FROM detect('data/AWSLogs') WHERE rule_id = 'd8fc1cca-93ed-43c1-bbb6-c0dd3eff2958'),
       (SELECT group_concat(alert_id) FROM detect('data/AWSLogs') WHERE rule_id = 'd8fc1cca-93ed-43c1-bbb6-c0dd3eff2958')
     = (SELECT group_concat(alert_id) FROM detect('data/AWSLogs') WHERE +rule_id = 'd8fc1cca-93ed-43c1-bbb6-c0dd3eff2958');
-- rule_id IN (...): one pass over the files, the same alerts as each rule alone
SELECT 'rule_id IN', (SELECT count(*) FROM detect('data/AWSLogs')
         WHERE rule_id IN ('d8fc1cca-93ed-43c1-bbb6-c0dd3eff2958', 'ea248a02-bc47-4043-8e94-2885b19b2636')),
       (SELECT count(*) FROM detect('data/AWSLogs') WHERE rule_id = 'd8fc1cca-93ed-43c1-bbb6-c0dd3eff2958')
     + (SELECT count(*) FROM detect('data/AWSLogs') WHERE rule_id = 'ea248a02-bc47-4043-8e94-2885b19b2636');
-- rule_id IN is taken all at once (its rules only, one pass): a NULL in the list names no
-- rule, a subquery works, an empty list and a contradiction give nothing
SELECT 'rule_id IN NULL', count(*) FROM detect('data/AWSLogs')
 WHERE rule_id IN ('d8fc1cca-93ed-43c1-bbb6-c0dd3eff2958', NULL);
SELECT 'rule_id IN subquery', count(*) FROM detect('data/AWSLogs')
 WHERE rule_id IN (SELECT rule_id FROM cloudtrail_rules WHERE name LIKE 'AWS IAM Brute Force%' AND pack = '2024-04-18');
SELECT 'rule_id IN ()', count(*) FROM detect('data/AWSLogs') WHERE rule_id IN ();
SELECT 'rule_id IN and =', count(*) FROM detect('data/AWSLogs')
 WHERE rule_id IN ('x') AND rule_id = 'd8fc1cca-93ed-43c1-bbb6-c0dd3eff2958';
-- pack IN: each pack's alerts (the sum of the two packs alone)
SELECT 'pack IN', (SELECT count(*) FROM detect('data/AWSLogs') WHERE pack IN ('2024-04-18', '2026-08-21')),
       (SELECT count(*) FROM detect('data/AWSLogs') WHERE pack = '2024-04-18')
     + (SELECT count(*) FROM detect('data/AWSLogs') WHERE pack = '2026-08-21');
-- the pushed rule_id IN and pack = give the rows of their +column twins, in the same order
-- (pack is also an argument: +pack only filters the default pack, so only it has a twin)
SELECT 'rule_id IN twin',
       (SELECT group_concat(alert_id) FROM detect('data/AWSLogs')
         WHERE rule_id IN ('d8fc1cca-93ed-43c1-bbb6-c0dd3eff2958', 'ea248a02-bc47-4043-8e94-2885b19b2636'))
     = (SELECT group_concat(alert_id) FROM detect('data/AWSLogs')
         WHERE +rule_id IN ('d8fc1cca-93ed-43c1-bbb6-c0dd3eff2958', 'ea248a02-bc47-4043-8e94-2885b19b2636'));
SELECT 'pack = twin', (SELECT count(*) FROM detect('data/AWSLogs') WHERE pack = '2024-04-18'),
       (SELECT group_concat(alert_id) FROM detect('data/AWSLogs') WHERE pack = '2024-04-18')
     = (SELECT group_concat(alert_id) FROM detect('data/AWSLogs') WHERE +pack = '2024-04-18');
