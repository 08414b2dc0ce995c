#!/bin/sh
# detect()'s prefilter (ext/README.md, "detect: one pass") never changes an answer.
#   1. kql_key(): which key a query's tree proves (AND: one side; OR: the union of both
#      sides; NOT, wildcards, exists, ranges: none; keyword values exact, case kept).
#   2. Hostile records, as files and as a table, for both packs: every alert with the
#      prefilter on (workers drop what no rule's key admits; each record runs only the rules
#      its event.action / event.provider admit) equals the alerts with it off
#      (cloudtrail_prefilter(0)), and the alerts are listed: an escaped eventName or
#      eventSource, duplicate keys (the last wins), "", non-ASCII, a raw tab, a number, an
#      array (tables), spaces around the value, a wildcard-keyed rule, a rule with no key.
#   3. The sample data, both packs: the same alerts on and off.
set -u
d=build/tmp/prefilter
rm -rf "$d" && mkdir -p "$d/logs" || exit 1
ok='"eventSource":"iam.amazonaws.com","awsRegion":"us-east-1","userIdentity":{"type":"IAMUser","userName":"alice","accountId":"111122223333"}'
t='"eventTime":"2026-03-01T10:00:'
{
  printf '{"Records":[\n'
  printf '{"eventID":"e01-plain",%s00Z",%s,"eventName":"DeactivateMFADevice"},\n' "$t" "$ok"
  printf '{"eventID":"e02-escaped-name",%s02Z",%s,"eventName":"Deactivate\\u004dFADevice"},\n' "$t" "$ok"
  printf '{"eventID":"e03-dup-last-wins",%s03Z",%s,"eventName":"GetUser","eventName":"DeactivateMFADevice"},\n' "$t" "$ok"
  printf '{"eventID":"e04-dup-last-loses",%s04Z",%s,"eventName":"DeactivateMFADevice","eventName":"GetUser"},\n' "$t" "$ok"
  printf '{"eventID":"e05-empty-name",%s05Z",%s,"eventName":""},\n' "$t" "$ok"
  printf '{"eventID":"e06-escaped-source",%s06Z","eventSource":"iam.amazonaws\\u002ecom","eventName":"DeleteVirtualMFADevice","userIdentity":{"type":"Root"}},\n' "$t"
  printf '{"eventID":"e07-non-ascii",%s07Z",%s,"eventName":"DeactivateMFADevic\303\251"},\n' "$t" "$ok"
  printf '{"eventID":"e08-raw-tab",%s08Z",%s,"eventName":"Deactivate\tMFADevice"},\n' "$t" "$ok"
  printf '{"eventID":"e09-spaces" , %s09Z" , %s , "eventName"  :  "DeactivateMFADevice"  }  ,\n' "$t" "$ok"
  printf '{"eventID":"e10-case",%s10Z",%s,"eventName":"deactivateMFADevice"},\n' "$t" "$ok"
  printf '{"eventID":"e11-failed",%s11Z",%s,"eventName":"DeactivateMFADevice","errorCode":"AccessDenied"},\n' "$t" "$ok"
  printf '{"eventID":"e12-lambda-wildcard",%s12Z","eventSource":"lambda.amazonaws.com","eventName":"PublishLayerVersion20181031"},\n' "$t"
  printf '{"eventID":"e13-lambda-escaped-source",%s13Z","eventSource":"lambda\\u002eamazonaws.com","eventName":"UpdateFunctionConfiguration20150331v2"},\n' "$t"
  printf '{"eventID":"e14-no-key-rule",%s14Z","eventSource":"bedrock-runtime.amazonaws.com","eventName":"InvokeModel","userIdentity":{"type":"IAMUser","userName":"BedrockAPIKey-x1"}},\n' "$t"
  printf '{"eventID":"e15-source-number",%s15Z","eventSource":7,"eventName":"ConsoleLogin","userIdentity":{"type":"Root"},"responseElements":{"ConsoleLogin":"Success"}},\n' "$t"
  printf '{"eventID":"e16-no-source",%s16Z","eventName":"ConsoleLogin","userIdentity":{"type":"Root"},"responseElements":{"ConsoleLogin":"Success"}},\n' "$t"
  printf '{"eventID":"e17-source-dup",%s17Z","eventSource":"iam.amazonaws.com","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","userIdentity":{"type":"Root"},"responseElements":{"ConsoleLogin":"Success"}}\n' "$t"
  printf ']}\n'
} >"$d/logs/hostile.json"
# numbers and arrays cannot be a file's eventName (not a record), but a table's record can
# hold anything: the dispatch reads them through ecs.c as the rules do
{
  printf "CREATE TABLE t(record TEXT);\n"
  printf "INSERT INTO t SELECT record FROM cloudtrail('%s');\n" "$d/logs"
  printf "INSERT INTO t VALUES('{\"eventID\":\"t01-name-array\",%s20Z\",%s,\"eventName\":[\"GetUser\",\"DeactivateMFADevice\"]}');\n" "$t" "$ok"
  printf "INSERT INTO t VALUES('{\"eventID\":\"t02-name-number\",%s21Z\",%s,\"eventName\":5}');\n" "$t" "$ok"
  printf "INSERT INTO t VALUES('{\"eventID\":\"t03-name-object\",%s22Z\",%s,\"eventName\":{\"a\":\"DeactivateMFADevice\"}}');\n" "$t" "$ok"
} >"$d/table.sql"

sqlite3 :memory: <<SQL
.load $EXT
.mode list
.headers off
SELECT '-- 1. kql_key';
SELECT column1, coalesce(kql_key(column1), 'none') FROM (VALUES
 ('event.action:DeactivateMFADevice'),
 ('event.provider:iam.amazonaws.com and event.action:(A or "B" or A)'),
 ('event.provider:iam.amazonaws.com and event.outcome:success'),
 ('event.action:(A or B) and event.action:C'),
 ('event.action:A or event.action:B'),
 ('event.action:A or event.provider:p'),
 ('event.action:A or user.name:u'),
 ('(event.action:A and user.name:u) or (event.provider:p and event.action:(B or C))'),
 ('not event.action:A'),
 ('event.provider:p and not event.action:A'),
 ('event.action:A* and event.provider:p'),
 ('event.action:*'),
 ('event.action:(A and not B)'),
 ('event.action >= A'),
 ('event.action:"a\\u0041 b"'),
 ('aws.cloudtrail.flattened.request_parameters.eventName:A'),
 ('')
);
SELECT '-- rules with a key, per pack';
SELECT pack, count(*), sum(kql_key(query) IS NOT NULL),
       sum(kql_key(query) LIKE '{"field":"event.provider"%')
  FROM cloudtrail_rules WHERE supported AND type='query' AND language='kuery' GROUP BY pack;
SQL

# each pack whole (2026-08-21 has a rule with no key: workers keep every record), and one
# rule of each (the MFA rule: eventName keys; a lambda rule: an eventSource key)
for run in "2024-04-18|" "2026-08-21|" "2024-04-18|d8fc1cca-93ed-43c1-bbb6-c0dd3eff2958" \
           "2026-08-21|7d091a76-0737-11ef-8469-f661ea17fbcc"; do
  pack=${run%|*} rule=${run#*|}
  where="pack='$pack'"
  [ -n "$rule" ] && where="$where AND rule_id='$rule'"
  for src in "$d/logs" "table:t"; do
    sqlite3 :memory: <<SQL
.load $EXT
.mode list
.read $d/table.sql
CREATE TEMP TABLE a_on AS SELECT alert_id, rule_id, event_id, source_file, record
  FROM detect('$src') WHERE $where;
SELECT cloudtrail_prefilter(0) = 1;
CREATE TEMP TABLE a_off AS SELECT alert_id, rule_id, event_id, source_file, record
  FROM detect('$src') WHERE $where;
SELECT cloudtrail_prefilter(1) = 0;
SELECT '-- 2. $pack ${rule:-all rules} ' || replace('$src', '$d/', '') || ': on '
    || (SELECT count(*) FROM a_on) || ', off ' || (SELECT count(*) FROM a_off) || ', only on '
    || (SELECT count(*) FROM (SELECT * FROM a_on EXCEPT SELECT * FROM a_off)) || ', only off '
    || (SELECT count(*) FROM (SELECT * FROM a_off EXCEPT SELECT * FROM a_on));
SELECT event_id, (SELECT name FROM cloudtrail_rules r WHERE r.rule_id = a.rule_id AND r.pack = '$pack')
  FROM a_on a ORDER BY event_id, 2;
SQL
  done
done

sqlite3 :memory: <<SQL
.load $EXT
.mode list
SELECT '-- 3. sample data';
CREATE TEMP TABLE a_on AS SELECT pack, alert_id, source_file FROM detect('data/AWSLogs') WHERE pack='2024-04-18'
  UNION ALL SELECT pack, alert_id, source_file FROM detect('data/AWSLogs') WHERE pack='2026-08-21';
SELECT cloudtrail_prefilter(0) = 1;
CREATE TEMP TABLE a_off AS SELECT pack, alert_id, source_file FROM detect('data/AWSLogs') WHERE pack='2024-04-18'
  UNION ALL SELECT pack, alert_id, source_file FROM detect('data/AWSLogs') WHERE pack='2026-08-21';
SELECT pack, count(*) FROM a_on GROUP BY pack;
SELECT 'only on', count(*) FROM (SELECT * FROM a_on EXCEPT SELECT * FROM a_off);
SELECT 'only off', count(*) FROM (SELECT * FROM a_off EXCEPT SELECT * FROM a_on);
SQL
