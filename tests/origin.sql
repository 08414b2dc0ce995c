-- origin_arn and origin_chain of detect_mfa_deactivation and detect: each alert's access key
-- looked up in the credentials of the same source (cloudtrail_sessions), read in a pass of
-- their own only when one of the two columns is read.
.load @EXT@
.mode list
.print '-- every MFA alert of the sample, its key and who is behind it (hops, link)'
SELECT substr(alert_id, 1, 8), user_name, access_key_id, coalesce(origin_arn, '(none)'),
       json_array_length(origin_chain), json_extract(origin_chain, '$[#-1].link')
  FROM detect_mfa_deactivation('data/AWSLogs') ORDER BY event_epoch, alert_id;
.print '-- S14: the session in 444455556666 goes back to dave, hop by hop'
SELECT j.key, json_extract(j.value, '$.access_key_id'), json_extract(j.value, '$.event'),
       json_extract(j.value, '$.caller_arn'), json_extract(j.value, '$.link')
  FROM detect_mfa_deactivation('data/AWSLogs') d, json_each(d.origin_chain) j
 WHERE d.access_key_id = 'ASIAXGWB3UFCRRBUANDL';
.print '-- detect (the 2024 pack) gives the same origins as detect_mfa_deactivation: 0 differ'
SELECT count(*) FROM detect_mfa_deactivation('data/AWSLogs') m
  JOIN detect('data/AWSLogs') d ON d.event_id = m.event_id
   AND d.rule_id = 'd8fc1cca-93ed-43c1-bbb6-c0dd3eff2958'
 WHERE d.origin_arn IS NOT m.origin_arn OR d.origin_chain IS NOT m.origin_chain;
.print '-- and the same as cloudtrail_sessions for the alert key: 0 differ'
SELECT count(*) FROM detect_mfa_deactivation('data/AWSLogs') m
  LEFT JOIN cloudtrail_sessions('data/AWSLogs') s ON s.access_key_id = m.access_key_id
 WHERE m.origin_arn IS NOT s.origin_arn OR m.origin_chain IS NOT s.chain;
.print '-- a table source gives the same origins as the files: 0 differ'
CREATE TABLE t AS SELECT * FROM cloudtrail('data/AWSLogs');
SELECT count(*) FROM detect_mfa_deactivation('data/AWSLogs') f
  JOIN detect_mfa_deactivation('table:t') d USING (alert_id)
 WHERE f.origin_arn IS NOT d.origin_arn OR f.origin_chain IS NOT d.origin_chain;
.print '-- other alerts of the 2026 pack that a role session raised, by origin'
SELECT rule_name, access_key_id, origin_arn FROM detect('data/AWSLogs')
 WHERE pack = '2026-08-21' AND access_key_id LIKE 'ASIA%' AND origin_arn LIKE '%dave%'
 ORDER BY event_epoch, rule_name;
.print '-- columns: detect_mfa_deactivation ends with them, detect has them before pack'
SELECT group_concat(name, ' ') FROM (SELECT name FROM pragma_table_xinfo('detect_mfa_deactivation') WHERE cid>=28);
SELECT group_concat(name, ' ') FROM (SELECT name FROM pragma_table_xinfo('detect') WHERE cid>=32);
