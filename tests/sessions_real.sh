#!/bin/sh
# cloudtrail_sessions over the public corpus in ../shared/data/real: how many ASIA keys are
# seen (and of those used), how many resolve to an origin, the hops histogram, how the chains
# end, and three real chains in full: an IAM user's AssumeRole (Invictus), a console session
# (Invictus, inferred) and a GetFederationToken (Stratus Red Team). Skips (exit 77) when the corpus is absent.
real=../shared/data/real
if [ ! -f "$real/MANIFEST.csv" ]; then
  echo "skipped: $real not found"
  exit 77
fi
sqlite3 :memory: <<SQL
.load $EXT
.mode list
CREATE TEMP TABLE s AS SELECT * FROM cloudtrail_sessions('$real');
SELECT 'keys', key_type, count(*) FROM s GROUP BY 2 ORDER BY 2;
SELECT 'ASIA keys', count(*), sum(origin_arn IS NOT NULL), sum(link = 'exact'),
       sum(link = 'inferred'), sum(link = 'unknown') FROM s WHERE key_type = 'temporary';
SELECT 'ASIA keys used', count(*), sum(origin_arn IS NOT NULL), sum(link = 'exact'),
       sum(link = 'inferred'), sum(link = 'unknown') FROM s
 WHERE key_type = 'temporary' AND event_count > 0;
SELECT 'hops', hops, count(*) FROM s WHERE key_type = 'temporary' GROUP BY 2 ORDER BY 2;
SELECT 'origin', origin_type, count(*) FROM s WHERE key_type = 'temporary' GROUP BY 2 ORDER BY 2;
SELECT 'issued by', coalesce(issued_by, '(not in the logs)'), count(*) FROM s
 WHERE key_type = 'temporary' GROUP BY 2 ORDER BY 2;
SELECT 'used after expiry', count(*) FROM s WHERE used_after_expiry;
.mode line
SELECT access_key_id, principal_arn, issued_by, issued_time, expires, first_used, last_used,
       event_count, source_ips, origin_arn, origin_type, hops, link, chain
  FROM s WHERE access_key_id IN ('ASIATFQR7NSCWLLE7IWW', 'ASIATFQR7NSCS5BLNV76',
                                 'ASIASTJKC5GCM7ZE6LUP');
SQL
