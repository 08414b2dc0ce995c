#!/bin/sh
# Over the public corpus in ../shared/data/real, detect() with the MFA rule of pack
# 2024-04-18 answers exactly as detect_mfa_deactivation: every column the two share, row for
# row, in the same order. Skips (exit 77) when the corpus is absent.
real=../shared/data/real
if [ ! -f "$real/MANIFEST.csv" ]; then
  echo "skipped: $real not found"
  exit 77
fi
sqlite3 :memory: <<SQL
.load $EXT
.mode list
CREATE TEMP TABLE mfa AS SELECT alert_id, rule_id, rule_name, severity, risk_score, tactic_id, tactic_name, technique_id, technique_name, event_time, event_epoch, event_id, event_name, event_source, aws_region, account_id, actor, user_type, user_name, user_arn, access_key_id, mfa_authenticated, source_address, source_ip, user_agent, target_user, mfa_serial, source_file, record
  FROM detect_mfa_deactivation('$real');
CREATE TEMP TABLE d AS SELECT alert_id, rule_id, rule_name, severity, risk_score, tactic_id, tactic_name, technique_id, technique_name, event_time, event_epoch, event_id, event_name, event_source, aws_region, account_id, actor, user_type, user_name, user_arn, access_key_id, mfa_authenticated, source_address, source_ip, user_agent, target_user, mfa_serial, source_file, record
  FROM detect('$real') WHERE pack = '2024-04-18' AND rule_id = 'd8fc1cca-93ed-43c1-bbb6-c0dd3eff2958';
SELECT 'alerts', (SELECT count(*) FROM mfa), (SELECT count(*) FROM d);
SELECT 'only in one', (SELECT count(*) FROM (SELECT * FROM mfa EXCEPT SELECT * FROM d)),
       (SELECT count(*) FROM (SELECT * FROM d EXCEPT SELECT * FROM mfa));
SELECT 'same order', (SELECT group_concat(alert_id) FROM mfa) = (SELECT group_concat(alert_id) FROM d);
SQL
