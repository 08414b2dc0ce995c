-- detect_mfa_deactivation(): Elastic's rule to the letter, on each side of each clause.
.load @EXT@
.headers on
-- tests/fixtures/rule/cases.jsonl holds one record per case (tests/make_fixtures.py):
-- hits are 30, 31, 34 (errorCode null), 35 (""), 36 (both ""), 45 ({}), 46 (escaped
-- name and source); not hits: 32 (denied), 33 (errorMessage only), 37 (wrong case), 38
-- (trailing space), 39 (IAM. in capitals), 40 (sts), 41-43 (other MFA calls), 44
-- (errorCode 0), 47 (eventName not a string: not even a record), 48 (a NUL after the
-- name). dup_a.json and dup_b.json deliver event 30 again and a record without eventID
-- twice: each is one alert.
SELECT replace(source_file, 'tests/fixtures/rule/', '') AS file, event_id, event_name,
       event_source, actor, target_user, mfa_serial, alert_id
  FROM detect_mfa_deactivation('tests/fixtures/rule');
-- the alert id is SHA-256 of the rule id and the event id, as a version-8 UUID: the
-- value below was computed independently (Python's hashlib) for event ...e000-000000000030
SELECT alert_id = '9533081d-2b2d-8940-8456-93f1da423cdd' AS independent
  FROM detect_mfa_deactivation('tests/fixtures/rule') WHERE event_id LIKE '%e000-000000000030';
.headers off
-- every input shape of the reader: the same DeactivateMFADevice record in each
SELECT replace(f.file, 'tests/fixtures/', ''), f.format,
       (SELECT count(*) || ' ' || group_concat(event_id) FROM detect_mfa_deactivation(f.file))
  FROM cloudtrail_files('tests/fixtures') f
 WHERE f.file NOT LIKE '%/rule/%' AND f.records > 0;
-- the alert's columns, all of them, for the console deactivation of bob's device by alice
.mode line
SELECT * FROM detect_mfa_deactivation('tests/fixtures/columns/identities.jsonl') LIMIT 1;
.mode list
-- source_ip only when the whole sourceIPAddress is an address
SELECT writefile('build/tmp/rule-ip.jsonl', (SELECT group_concat(
  '{"eventName":"DeactivateMFADevice","eventSource":"iam.amazonaws.com","eventID":"ip-' || n ||
  '","eventTime":"2026-03-02T10:00:0' || n || 'Z","sourceIPAddress":"' || ip || '"}', char(10))
  FROM (SELECT 0 AS n, '203.0.113.10' AS ip UNION ALL SELECT 1, '2001:db8::10' UNION ALL
        SELECT 2, 'iam.amazonaws.com' UNION ALL SELECT 3, 'AWS Internal' UNION ALL
        SELECT 4, '81.2.69.142, 192.168.10.10' UNION ALL SELECT 5, '225.01.00.16' UNION ALL
        SELECT 6, '256.1.1.1' UNION ALL SELECT 7, 'fe80::1%eth0' UNION ALL SELECT 8, '1.2.3'))) > 0;
SELECT event_id, source_address, quote(source_ip) FROM detect_mfa_deactivation('build/tmp/rule-ip.jsonl');
-- since / until: ISO-8601 or Unix seconds, inclusive
SELECT count(*) FROM detect_mfa_deactivation('data/AWSLogs');
SELECT count(*), min(event_time), max(event_time)
  FROM detect_mfa_deactivation('data/AWSLogs', '2026-03-03T11:45:18Z', '2026-03-03T20:05:12Z');
SELECT count(*) FROM detect_mfa_deactivation('data/AWSLogs', 1772538318, 1772538317);
SELECT count(*) FROM detect_mfa_deactivation('data/AWSLogs', NULL, '2026-03-02T23:59:59+00:00');
-- arguments
SELECT count(*) FROM detect_mfa_deactivation(NULL);
SELECT count(*) FROM detect_mfa_deactivation();
SELECT count(*) FROM detect_mfa_deactivation('tests/fixtures/nope');
SELECT count(*) FROM detect_mfa_deactivation('tests/fixtures/rule', 'yesterday');
SELECT count(*) FROM detect_mfa_deactivation('tests/fixtures/rule', NULL, 1.5);
CREATE TABLE notrail(a);
SELECT count(*) FROM detect_mfa_deactivation('notrail');
