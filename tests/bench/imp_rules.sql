-- cloudtrail extension on the imported case file: detect() over the table `trail`
-- (@WHERE@ picks the pack and rules), rule_id|event_id one per line (as ext_rules.sql).
.bail on
.load @EXT@
SELECT rule_id || '|' || event_id FROM detect('table:trail') WHERE @WHERE@ GROUP BY 1 ORDER BY 1;
