-- SQLite's own JSON functions, no extension: eventName|count over the uncompressed copy
-- (see json_detect.sql).
.bail on
SELECT r.value ->> '$.eventName', count(*)
  FROM fsdir(@PLAIN@) AS f,
       json_each(readfile(f.name), '$.Records') AS r
 WHERE f.name GLOB '*/CloudTrail/*.json'
 GROUP BY 1 ORDER BY 1;
