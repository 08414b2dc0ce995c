-- cloudtrail extension, detect(): the alerts of a pack's rules (@WHERE@ picks the pack and,
-- for the one-rule and the SQL-translated rows, the rules), rule_id|event_id one per line.
.bail on
.load @EXT@
@SETUP@
SELECT rule_id || '|' || event_id FROM detect(@SOURCE@) WHERE @WHERE@ GROUP BY 1 ORDER BY 1;
