#!/bin/sh
# detect()'s prefilter over the public corpus in ../shared/data/real: for each pack, all
# rules and the MFA rule alone, the alerts with the prefilter on equal those with it off
# (cloudtrail_prefilter(0)). Skips (exit 77) when the corpus is absent.
real=../shared/data/real
if [ ! -f "$real/MANIFEST.csv" ]; then
  echo "skipped: $real not found"
  exit 77
fi
for where in "pack='2024-04-18'" "pack='2026-08-21'" \
             "pack='2024-04-18' AND rule_id='d8fc1cca-93ed-43c1-bbb6-c0dd3eff2958'"; do
  printf '%s: ' "$where"
  sqlite3 :memory: <<SQL
.load $EXT
.mode list
CREATE TEMP TABLE a_on AS SELECT alert_id, rule_id, source_file, record FROM detect('$real') WHERE $where;
CREATE TEMP TABLE off AS SELECT cloudtrail_prefilter(0) AS was_on;
CREATE TEMP TABLE a_off AS SELECT alert_id, rule_id, source_file, record FROM detect('$real') WHERE $where;
SELECT 'on ' || (SELECT count(*) FROM a_on) || ' (the prefilter was ' || (SELECT was_on FROM off) || ')' || ', off ' || (SELECT count(*) FROM a_off)
    || ', rules ' || (SELECT count(DISTINCT rule_id) FROM a_on) || ', only on '
    || (SELECT count(*) FROM (SELECT * FROM a_on EXCEPT SELECT * FROM a_off)) || ', only off '
    || (SELECT count(*) FROM (SELECT * FROM a_off EXCEPT SELECT * FROM a_on));
SQL
done
