-- since / until of detect_mfa_deactivation: every form SQLite's date functions accept (what
-- date(), datetime() and strftime() produce), the forms eventTime itself may take, numbers
-- as Unix seconds, both bounds inclusive; anything else is an error quoting the value.
.load @EXT@
-- five alerts around 2026-03-03 12:00:00 UTC (Unix 1772539200)
SELECT writefile('build/tmp/time_bounds.jsonl', (SELECT group_concat(
  '{"eventName":"DeactivateMFADevice","eventSource":"iam.amazonaws.com","eventID":"' || t ||
  '","eventTime":"' || t || '"}', char(10))
  FROM (SELECT '2026-03-02T23:59:59Z' AS t UNION ALL SELECT '2026-03-03T00:00:00Z'
        UNION ALL SELECT '2026-03-03T12:00:00Z' UNION ALL SELECT '2026-03-03T23:59:59Z'
        UNION ALL SELECT '2026-03-04T00:00:00Z'))) > 0;
CREATE TEMP TABLE trail AS SELECT * FROM cloudtrail('build/tmp/time_bounds.jsonl');
.print '-- one form per row: the alerts with since = until = the value (12:00:00 each time)'
SELECT quote(v), (SELECT group_concat(event_time, ' ')
                    FROM detect_mfa_deactivation('build/tmp/time_bounds.jsonl', v, v))
  FROM (SELECT '2026-03-03 12:00:00' AS v UNION ALL SELECT '2026-03-03T12:00:00'
        UNION ALL SELECT '2026-03-03T12:00:00Z' UNION ALL SELECT '2026-03-03T12:00:00.000Z'
        UNION ALL SELECT '2026-03-03 12:00' UNION ALL SELECT '2026-03-03T13:00:00+01:00'
        UNION ALL SELECT '2026-03-03T12:00:00+0000' UNION ALL SELECT '2026-03-03t12:00:00z'
        UNION ALL SELECT datetime(1772539200, 'unixepoch')
        UNION ALL SELECT strftime('%Y-%m-%dT%H:%M:%S', 1772539200, 'unixepoch')
        UNION ALL SELECT '2461103.0' UNION ALL SELECT 1772539200
        UNION ALL SELECT 1772539200.0);
.print '-- a date alone is its midnight: the day of 2026-03-03, bounds inclusive'
SELECT group_concat(event_time, ' ') FROM detect_mfa_deactivation('build/tmp/time_bounds.jsonl',
  '2026-03-03', '2026-03-03 23:59:59');
SELECT group_concat(event_time, ' ') FROM detect_mfa_deactivation('build/tmp/time_bounds.jsonl',
  date('2026-03-03T17:00:00Z'), date('2026-03-03T17:00:00Z', '+1 day'));
.print '-- the same from a table'
SELECT group_concat(event_time, ' ') FROM detect_mfa_deactivation('trail',
  '2026-03-03', '2026-03-03 23:59:59');
.print '-- a fraction of a second rounds inward (event times are whole seconds)'
SELECT group_concat(event_time, ' ') FROM detect_mfa_deactivation('build/tmp/time_bounds.jsonl',
  1772539199.5, 1772539200.5);
SELECT count(*) FROM detect_mfa_deactivation('build/tmp/time_bounds.jsonl', 1772539200.5, 1772539200.9);
SELECT group_concat(event_time, ' ') FROM detect_mfa_deactivation('build/tmp/time_bounds.jsonl',
  '2026-03-03 11:59:59.5', '2026-03-03 12:00:00.5');
SELECT count(*) FROM detect_mfa_deactivation('build/tmp/time_bounds.jsonl', '2026-03-03 12:00:00.5');
SELECT count(*) FROM detect_mfa_deactivation('build/tmp/time_bounds.jsonl', '2026-03-03t12:00:00.5z');
SELECT count(*) FROM detect_mfa_deactivation('build/tmp/time_bounds.jsonl', '2026-03-03t12:00:00.0z');
.print '-- only one bound'
SELECT group_concat(event_time, ' ') FROM detect_mfa_deactivation('build/tmp/time_bounds.jsonl', '2026-03-03 23:59:59');
SELECT group_concat(event_time, ' ') FROM detect_mfa_deactivation('build/tmp/time_bounds.jsonl', NULL, '2026-03-03');
.print '-- not a time (a number as text is a Julian day number to SQLite: out of range here)'
SELECT count(*) FROM detect_mfa_deactivation('build/tmp/time_bounds.jsonl', 'yesterday');
SELECT count(*) FROM detect_mfa_deactivation('build/tmp/time_bounds.jsonl', NULL, '2026-13-01');
SELECT count(*) FROM detect_mfa_deactivation('build/tmp/time_bounds.jsonl', '');
SELECT count(*) FROM detect_mfa_deactivation('build/tmp/time_bounds.jsonl', '1772539200');
SELECT count(*) FROM detect_mfa_deactivation('build/tmp/time_bounds.jsonl', x'323032362d30332d3033');
SELECT count(*) FROM detect_mfa_deactivation('build/tmp/time_bounds.jsonl', x'');
SELECT count(*) FROM detect_mfa_deactivation('build/tmp/time_bounds.jsonl', 1e300);
