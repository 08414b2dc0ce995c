-- The same alerts whether the source is a path, the virtual table, a materialised table
-- or a view; 'table:' and 'path:' say which.
.load @EXT@
CREATE TEMP TABLE want AS SELECT * FROM detect_mfa_deactivation('data/AWSLogs');
CREATE VIRTUAL TABLE temp.trail USING cloudtrail('data/AWSLogs');
CREATE TABLE mat AS SELECT * FROM cloudtrail('data/AWSLogs');
CREATE VIEW recent AS SELECT * FROM mat WHERE event_epoch >= 0;
CREATE TABLE slim AS SELECT record FROM mat;
SELECT s, count(*),
       (SELECT count(*) FROM (SELECT * FROM want EXCEPT SELECT * FROM detect_mfa_deactivation(s))),
       (SELECT count(*) FROM (SELECT * FROM detect_mfa_deactivation(s) EXCEPT SELECT * FROM want))
  FROM (SELECT 'data/AWSLogs' AS s UNION ALL SELECT 'trail' UNION ALL SELECT 'mat'
        UNION ALL SELECT 'recent'), detect_mfa_deactivation(s)
 GROUP BY s ORDER BY s;
-- only `record` is needed; without source_file the column is NULL
SELECT count(*), count(source_file) FROM detect_mfa_deactivation('slim');
-- the hidden columns show the arguments
SELECT DISTINCT source, since, until FROM detect_mfa_deactivation('mat', '2026-03-03T00:00:00Z');
-- a table named like a folder: the bare name is ambiguous (an error naming both readings);
-- 'table:' and 'path:' choose (tests/source_choice.sh has the hostile-database cases)
CREATE TABLE "data/AWSLogs" AS SELECT * FROM mat WHERE eventID LIKE '%010001';
SELECT count(*) FROM detect_mfa_deactivation('data/AWSLogs');
SELECT count(*) FROM detect_mfa_deactivation('table:data/AWSLogs');
SELECT count(*) FROM detect_mfa_deactivation('path:data/AWSLogs');
-- the rules table: the built-in rule's row, the published metadata and guide
.mode line
SELECT rule_id, name, version, severity, risk_score, query, language, "from", interval,
       timestamp_override, index_patterns, tactic_id, tactic_name, tactic_reference,
       technique_id, technique_name, technique_reference, false_positives, "references",
       author, license, length(note), description
  FROM cloudtrail_rules WHERE pack = 'builtin';
.mode list
SELECT note FROM cloudtrail_rules WHERE pack = 'builtin';
-- the alerts carry the rule's metadata
SELECT DISTINCT a.rule_id = r.rule_id, a.rule_name = r.name, a.severity = r.severity,
       a.risk_score = r.risk_score, a.tactic_id, a.tactic_name, a.technique_id, a.technique_name
  FROM want a, cloudtrail_rules r WHERE r.pack = 'builtin';
-- a view that reads itself through the function is an error, not a stack overflow
CREATE VIEW loop AS SELECT * FROM detect_mfa_deactivation('loop');
SELECT count(*) FROM loop;
