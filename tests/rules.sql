-- cloudtrail_rules: the built-in rule and every rule of the two embedded Elastic packs.
.load @EXT@
.headers on
-- rows per pack, type and language, and whether the extension can run them (the counts of
-- ../shared/rules/elastic-aws/SOURCES.md: 60 and 194 files)
SELECT pack, count(*) AS rules, sum(supported) AS supported FROM cloudtrail_rules GROUP BY pack ORDER BY rowid;
SELECT pack, type, language, supported, unsupported_reason, count(*) AS rules
  FROM cloudtrail_rules GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3;
-- every rule has an id, a name, a severity, a risk score and a guide; ids are unique in a pack
SELECT pack, count(rule_id), count(DISTINCT rule_id), count(name), count(severity),
       count(risk_score), count(note), count(description), count(version), count(file)
  FROM cloudtrail_rules GROUP BY pack ORDER BY rowid;
-- rule ids shared by the two packs (the same rule at two dates)
SELECT count(*) AS in_both FROM cloudtrail_rules a JOIN cloudtrail_rules b USING (rule_id)
 WHERE a.pack = '2024-04-18' AND b.pack = '2026-08-21';
-- the unsupported rules, with their reason
.headers off
SELECT pack, unsupported_reason, file FROM cloudtrail_rules WHERE NOT supported ORDER BY 1, 2, 3;
-- picking a pack: WHERE pack = ... reads only that pack's files (see EXPLAIN below); other
-- comparisons work as on any table
SELECT count(*) FROM cloudtrail_rules WHERE pack = '2024-04-18';
SELECT count(*) FROM cloudtrail_rules WHERE pack = 'builtin';
SELECT count(*) FROM cloudtrail_rules WHERE pack = 'BUILTIN';
SELECT count(*) FROM cloudtrail_rules WHERE pack = 'BUILTIN' COLLATE NOCASE;
SELECT count(*) FROM cloudtrail_rules WHERE pack = NULL;
SELECT count(*) FROM cloudtrail_rules WHERE pack IN ('2024-04-18', '2026-08-21');
SELECT count(*) FROM cloudtrail_rules WHERE pack LIKE '2026%';
SELECT rowid, pack, file FROM cloudtrail_rules WHERE rowid IN (1, 2, 61, 62, 255) ORDER BY rowid;
-- the MITRE lists: tactics, then techniques with their sub-techniques, in the file's order
SELECT pack, file, tactic_id, tactic_name, technique_id FROM cloudtrail_rules
 WHERE file IN ('ml_cloudtrail_error_message_spike.toml', 'defense_evasion_cloudtrail_logging_deleted.toml')
 ORDER BY 1, 2;
-- whole rows: the 2024-04-18 pack's MFA rule (the text the built-in rule implements), a
-- threshold rule with cardinality, a new_terms rule, an ES|QL rule
.mode line
SELECT rule_id, pack, file, name, type, language, version, severity, risk_score, query,
       "from", interval, timestamp_override, index_patterns, tactic_id, tactic_name,
       tactic_reference, technique_id, technique_name, technique_reference, threat,
       false_positives, "references", author, license, threshold, new_terms, supported,
       unsupported_reason, length(note), substr(note, 1, 60) AS note_start, description
  FROM cloudtrail_rules
 WHERE pack = '2024-04-18' AND file = 'impact_iam_deactivate_mfa_device.toml';
SELECT rule_id, pack, name, type, language, query, "from", interval, threshold, new_terms,
       supported, unsupported_reason
  FROM cloudtrail_rules WHERE threshold LIKE '%cardinality%';
SELECT rule_id, pack, name, type, language, query, "from", interval, threshold, new_terms,
       supported, unsupported_reason
  FROM cloudtrail_rules WHERE pack = '2026-08-21' AND file = 'credential_access_new_terms_secretsmanager_getsecretvalue.toml';
SELECT rule_id, pack, name, type, language, supported, unsupported_reason, substr(query, 1, 120) AS query_start
  FROM cloudtrail_rules WHERE pack = '2026-08-21' AND file = 'discovery_multiple_discovery_api_calls_via_cli.toml';
-- the built-in row's new columns
SELECT pack, type, file, threat, threshold, new_terms, supported, unsupported_reason
  FROM cloudtrail_rules WHERE pack = 'builtin';
.mode list
-- the built-in rule and the 2024-04-18 pack's MFA rule: the same rule and query. Three texts
-- differ (0 below): the built-in row keeps them as Elastic published the rule (version 209):
-- description and false_positives on one line where the file wraps them, and the note
-- without the file's closing "## Setup" section
SELECT b.rule_id = p.rule_id, b.name = p.name, b.query = p.query, b.note = p.note,
       b.description = p.description, b.version = p.version, b.index_patterns = p.index_patterns,
       b.false_positives = p.false_positives, b."references" = p."references", b.author = p.author,
       b.threat = p.threat
  FROM cloudtrail_rules b, cloudtrail_rules p
 WHERE b.pack = 'builtin' AND p.pack = '2024-04-18' AND p.rule_id = b.rule_id;
-- the pack constraint reaches the table
EXPLAIN QUERY PLAN SELECT count(*) FROM cloudtrail_rules WHERE pack = '2026-08-21';
