-- mfa_alert_other_alerts_48h (sql/investigate.sql): for each MFA alert, the other alerts
-- of detect() (pack 2024-04-18) in the 48 hours before it by "the same user", over the
-- sample corpus and over a fixture written here that proves each relation on its own.
-- PRAGMA trusted_schema is off throughout, as a cautious user would have it.
.load @EXT@
PRAGMA trusted_schema = OFF;
.mode list
.nullvalue NULL
.print '-- the sample corpus: MFA alert, other alert, offset, relations'
CREATE VIRTUAL TABLE temp.trail USING cloudtrail('data/AWSLogs');
.read sql/investigate.sql
CREATE TEMP TABLE n AS
  SELECT row_number() OVER (ORDER BY event_epoch, event_id) AS n, alert_id, event_id
    FROM mfa_deactivation_alerts;
SELECT n.n, o.rule_name, o.rule_type, o.severity, o.risk_score, o.event_time, o.offset_seconds,
       o.event_name, o.actor, o.user_name, o.account_id, o.same_actor, o.same_user_account,
       o.source_address, o.group_count, o.new_terms,
       coalesce((SELECT 'MFA alert ' || n2.n FROM n n2 WHERE n2.alert_id = o.other_alert_id), 'other')
  FROM mfa_alert_other_alerts_48h o JOIN n USING (alert_id)
 ORDER BY n.n, o.event_time, o.rule_id;
.print '-- every row is an alert of detect(), with the same record: rows, found, same record'
SELECT count(*), sum(d.alert_id IS NOT NULL), sum(d.record = o.record)
  FROM mfa_alert_other_alerts_48h o LEFT JOIN detect('table:trail') d ON d.alert_id = o.other_alert_id;
DROP TABLE n;
DROP TABLE temp.trail;

-- The fixture. MFA alert M1 at T = 2024-05-10T12:00:00Z by the session alice of role Admin
-- (actor A, user_name Admin from the session issuer, account 111111111111); M2 ten days
-- later by the account's root (user_name NULL). The other alerts are IAM CreateGroup
-- ("AWS IAM Group Creation") unless named.
CREATE TEMP TABLE fx(id, t, name, source, utype, arn, acct, recip, issuer);
INSERT INTO fx VALUES
 ('m1',  '2024-05-10T12:00:00Z', 'DeactivateMFADevice', 'iam', 'AssumedRole', 'arn:aws:sts::111111111111:assumed-role/Admin/alice', '111111111111', '111111111111', 'Admin'),
 -- same actor A, no session issuer name: user_name NULL, only same_actor can hold
 ('o1',  '2024-05-10T11:00:00Z', 'CreateGroup', 'iam', 'AssumedRole', 'arn:aws:sts::111111111111:assumed-role/Admin/alice', '111111111111', '111111111111', NULL),
 -- same actor A, user_name Admin, but account 222222222222 (no accountId; the recipient's)
 ('o2',  '2024-05-10T10:00:00Z', 'CreateGroup', 'iam', 'AssumedRole', 'arn:aws:sts::111111111111:assumed-role/Admin/alice', NULL, '222222222222', 'Admin'),
 -- another session (bob) of the same role: another actor, same user_name and account
 ('o3',  '2024-05-10T11:30:00Z', 'CreateGroup', 'iam', 'AssumedRole', 'arn:aws:sts::111111111111:assumed-role/Admin/bob', '111111111111', '111111111111', 'Admin'),
 -- actor A exactly 48 h before (in), 48 h + 1 s before (out), 1 s after (out)
 ('o4',  '2024-05-08T12:00:00Z', 'CreateGroup', 'iam', 'AssumedRole', 'arn:aws:sts::111111111111:assumed-role/Admin/alice', '111111111111', '111111111111', 'Admin'),
 ('o5',  '2024-05-08T11:59:59Z', 'CreateGroup', 'iam', 'AssumedRole', 'arn:aws:sts::111111111111:assumed-role/Admin/alice', '111111111111', '111111111111', 'Admin'),
 ('o6',  '2024-05-10T12:00:01Z', 'CreateGroup', 'iam', 'AssumedRole', 'arn:aws:sts::111111111111:assumed-role/Admin/alice', '111111111111', '111111111111', 'Admin'),
 -- another role (Dev), same account: neither relation (out)
 ('o7',  '2024-05-10T11:59:00Z', 'CreateGroup', 'iam', 'AssumedRole', 'arn:aws:sts::111111111111:assumed-role/Dev/carol', '111111111111', '111111111111', 'Dev'),
 -- the root, user_name NULL ("AWS CloudTrail Log Suspended"): neither relation to M1 (out)
 ('o8',  '2024-05-10T11:58:00Z', 'StopLogging', 'cloudtrail', 'Root', 'arn:aws:iam::111111111111:root', '111111111111', '111111111111', NULL),
 ('m2',  '2024-05-20T12:00:00Z', 'DeleteVirtualMFADevice', 'iam', 'Root', 'arn:aws:iam::111111111111:root', '111111111111', '111111111111', NULL),
 -- another actor with user_name NULL in the same account: NULL never equals NULL (out)
 ('o9',  '2024-05-20T11:59:00Z', 'CreateGroup', 'iam', 'AssumedRole', 'arn:aws:sts::111111111111:assumed-role/Other/dave', '111111111111', '111111111111', NULL),
 -- the root again ("AWS CloudTrail Log Suspended"): same_actor only
 ('o10', '2024-05-20T11:59:30Z', 'StopLogging', 'cloudtrail', 'Root', 'arn:aws:iam::111111111111:root', '111111111111', '111111111111', NULL);
SELECT 'fixture written: ' || (writefile('build/tmp/other_alerts_fixture.json', json_object('Records', (
  SELECT json_group_array(json(r)) FROM (
    SELECT json_object(
      'eventVersion', '1.08', 'eventTime', t, 'eventSource', source || '.amazonaws.com',
      'eventName', name, 'awsRegion', 'us-east-1', 'sourceIPAddress', '198.51.100.' || rowid,
      'userAgent', 'aws-cli/2.15.30', 'eventID', id, 'eventType', 'AwsApiCall',
      'recipientAccountId', recip,
      'requestParameters', json_object('groupName', 'g-' || id, 'serialNumber',
                                       'arn:aws:iam::111111111111:mfa/dev-' || id),
      'userIdentity', json_patch(json_object('type', utype, 'arn', arn, 'principalId', 'P-' || id),
        json_patch(CASE WHEN acct IS NULL THEN '{}' ELSE json_object('accountId', acct) END,
          CASE WHEN utype = 'AssumedRole' THEN json_object('sessionContext', json_object(
                 'sessionIssuer', json_patch(json_object('type', 'Role', 'accountId', '111111111111',
                   'arn', 'arn:aws:iam::111111111111:role/' || coalesce(issuer, 'x')),
                   CASE WHEN issuer IS NULL THEN '{}' ELSE json_object('userName', issuer) END)))
               ELSE '{}' END))) AS r
      FROM fx ORDER BY rowid)))) > 0);
CREATE VIRTUAL TABLE temp.trail USING cloudtrail('build/tmp/other_alerts_fixture.json');
.read sql/investigate.sql
.print '-- the fixture: MFA alerts'
SELECT event_id, event_time, actor, coalesce(user_name, 'NULL'), account_id FROM mfa_deactivation_alerts ORDER BY event_time;
.print '-- the fixture: MFA alert, other alert, rule, offset, actor, user_name, account, same_actor, same_user_account'
SELECT m.event_id, d.event_id, o.rule_name, o.offset_seconds, o.actor, o.user_name, o.account_id,
       o.same_actor, o.same_user_account
  FROM mfa_alert_other_alerts_48h o
  JOIN mfa_deactivation_alerts m ON m.alert_id = o.alert_id
  JOIN detect('table:trail') d ON d.alert_id = o.other_alert_id
 ORDER BY m.event_time, o.offset_seconds;
.print '-- the fixture: every alert detect() raises (the rows above are chosen from these)'
SELECT event_id, rule_name, coalesce(user_name, 'NULL'), account_id FROM detect('table:trail') ORDER BY event_time, rule_name;
.print '-- the same rows over a materialised table: rows, differences either way'
CREATE TEMP TABLE v1 AS SELECT * FROM mfa_alert_other_alerts_48h;
DROP TABLE temp.trail;
CREATE TEMP TABLE trail AS SELECT * FROM cloudtrail('build/tmp/other_alerts_fixture.json');
.read sql/investigate.sql
SELECT (SELECT count(*) FROM v1), (SELECT count(*) FROM (SELECT * FROM v1 EXCEPT SELECT * FROM mfa_alert_other_alerts_48h)),
       (SELECT count(*) FROM (SELECT * FROM mfa_alert_other_alerts_48h EXCEPT SELECT * FROM v1));
