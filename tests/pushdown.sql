-- Pushdown: which constraints the table takes (EXPLAIN QUERY PLAN shows them in idxStr),
-- and that taking them never changes an answer: every query below is compared with the
-- same query over a subquery with LIMIT -1 (SQLite does not push a WHERE into it, so the
-- table sees no constraint at all), over every fixture, the sample and its damaged
-- copies, with 1 and with 3 threads.
.load @EXT@
.print '-- plans'
EXPLAIN QUERY PLAN SELECT * FROM cloudtrail('data') WHERE eventName = 'X';
EXPLAIN QUERY PLAN SELECT * FROM cloudtrail('data') WHERE eventName IN ('X', 'Y') AND eventSource = 'iam.amazonaws.com';
EXPLAIN QUERY PLAN SELECT * FROM cloudtrail('data') WHERE awsRegion = 'us-east-1' AND recipientAccountId = '111122223333' AND eventID = 'e';
EXPLAIN QUERY PLAN SELECT * FROM cloudtrail('data') WHERE actor = 'a' AND account_id IN ('1', '2') AND user_name = 'u';
EXPLAIN QUERY PLAN SELECT * FROM cloudtrail('data') WHERE event_epoch > 1 AND event_epoch <= 9;
EXPLAIN QUERY PLAN SELECT * FROM cloudtrail('data', 1, 2, 600) WHERE eventName = 'X';
-- not taken: other operators, other collations, other columns, a subquery with a LIMIT
EXPLAIN QUERY PLAN SELECT * FROM cloudtrail('data') WHERE eventName LIKE 'X' AND eventSource >= 'a';
EXPLAIN QUERY PLAN SELECT * FROM cloudtrail('data') WHERE eventName = 'x' COLLATE NOCASE;
EXPLAIN QUERY PLAN SELECT * FROM cloudtrail('data') WHERE eventTime > '2026' AND eventTime <= '2027';
EXPLAIN QUERY PLAN SELECT * FROM cloudtrail('data') WHERE userAgent = 'x' AND eventTime = '2026';
EXPLAIN QUERY PLAN SELECT * FROM (SELECT * FROM cloudtrail('data') LIMIT -1) WHERE eventName = 'X';
-- an argument that comes from another table makes the table the inner loop
EXPLAIN QUERY PLAN SELECT * FROM (SELECT 1 AS t), cloudtrail('data', 0, t);
.print '-- the same answers with and without pushdown: rows pushed, rows not, differences'
CREATE TEMP TABLE q(name, cond);
INSERT INTO q VALUES
 ('eventName =', 'eventName = ''DeactivateMFADevice'''),
 ('eventName IN', 'eventName IN (''GetObject'', ''ConsoleLogin'', ''ListBuckets'')'),
 ('eventName = number', 'eventName = 5'),
 ('eventName = NULL', 'eventName = NULL'),
 ('eventName IN with NULL', 'eventName IN (NULL, ''GetObject'')'),
 ('eventSource =', 'eventSource = ''iam.amazonaws.com'''),
 ('awsRegion =', 'awsRegion = ''us-east-1'''),
 ('awsRegion IN', 'awsRegion IN (''eu-west-1'', ''us-west-2'')'),
 ('recipientAccountId =', 'recipientAccountId = ''444455556666'''),
 ('account_id =', 'account_id = ''111122223333'''),
 ('actor IN', 'actor IN (''arn:aws:iam::111122223333:user/alice'', ''arn:aws:iam::111122223333:user/bob'', ''ec2.amazonaws.com'')'),
 ('actor IN subquery', 'actor IN (SELECT actor FROM detect_mfa_deactivation(''data/AWSLogs''))'),
 ('user_name IN', 'user_name IN (''alice'', ''carol'', ''HelpdeskAdmin'', ''Deployer'', ''dave'')'),
 ('eventID =', 'eventID = ''00000000-0000-4000-8000-000000060001'''),
 ('event_epoch range', 'event_epoch >= 1772446200 AND event_epoch < 1772500000.5'),
 ('event_epoch = fraction', 'event_epoch = 1772446200.5'),
 ('event_epoch > text', 'event_epoch > ''1772446200'''),
 ('eventTime text range', 'eventTime >= ''2026-03-02T12'' AND eventTime < ''2026-03-03 '''),
 ('eventTime > number', 'eventTime > 5'),
 ('eventTime <= yesterday', 'eventTime <= ''yesterday'''),
 ('combined', 'eventSource = ''s3.amazonaws.com'' AND awsRegion = ''us-east-1'' AND event_epoch BETWEEN 1772460000 AND 1772560000');
CREATE TEMP TABLE src(path);
INSERT INTO src VALUES ('tests/fixtures'), ('data/AWSLogs'), ('data/damaged');
CREATE TEMP TABLE result(name, path, threads, pushed, plain, diff);
-- each comparison is written as SQL text, then read back in
CREATE TEMP TABLE cmds AS
  WITH c AS (SELECT q.name, q.cond, src.path, t.n,
                    printf('cloudtrail(%Q, 0, %d)', src.path, t.n) AS pushed,
                    printf('(SELECT * FROM cloudtrail(%Q, 0, 1) LIMIT -1)', src.path) AS plain
               FROM q, src, (SELECT 1 AS n UNION ALL SELECT 3) t)
  SELECT printf('INSERT INTO result SELECT %Q, %Q, %d, (SELECT count(*) FROM %s WHERE %s), '
                || '(SELECT count(*) FROM %s WHERE %s), '
                || '(SELECT count(*) FROM (SELECT source_file, record_index, record FROM %s WHERE %s '
                || 'EXCEPT SELECT source_file, record_index, record FROM %s WHERE %s)) + '
                || '(SELECT count(*) FROM (SELECT source_file, record_index, record FROM %s WHERE %s '
                || 'EXCEPT SELECT source_file, record_index, record FROM %s WHERE %s));',
                name, path, n, pushed, cond, plain, cond,
                pushed, cond, plain, cond, plain, cond, pushed, cond) AS sql
    FROM c;
.output build/tmp/pushdown-cmds.sql
SELECT sql FROM cmds;
.output stdout
.read build/tmp/pushdown-cmds.sql
SELECT name, path, threads, pushed, plain, diff FROM result ORDER BY rowid;
SELECT 'comparisons', count(*), 'with a difference', sum(diff<>0 OR pushed<>plain) FROM result;
.print '-- the same rows in the same order whatever the number of threads'
SELECT t, count(*), sum(length(record)),
       group_concat(source_file || ':' || record_index, ',')
         = (SELECT group_concat(source_file || ':' || record_index, ',') FROM cloudtrail('tests/fixtures', 0, 1))
  FROM (SELECT 1 AS t UNION ALL SELECT 2 UNION ALL SELECT 4 UNION ALL SELECT 8), cloudtrail('tests/fixtures', 0, t)
 GROUP BY t;
SELECT t, (SELECT group_concat(source_file || ':' || record_index, ',') FROM cloudtrail('data/AWSLogs', 0, t))
        = (SELECT group_concat(source_file || ':' || record_index, ',') FROM cloudtrail('data/AWSLogs', 0, 1))
  FROM (SELECT 2 AS t UNION ALL SELECT 3 UNION ALL SELECT 16);
.print '-- late delivery: S07 happened at 03:17:44 and was delivered in a file stamped 07:45'
SELECT 'default (24 h)', count(*) FROM cloudtrail('data/AWSLogs') WHERE eventID LIKE '%070001' AND event_epoch = 1772594264;
SELECT 'max_delivery_delay=0 (no time pruning)', count(*) FROM cloudtrail('data/AWSLogs', 0, 2, 0)
 WHERE eventID LIKE '%070001' AND event_epoch = 1772594264;
SELECT 'max_delivery_delay=5h', count(*) FROM cloudtrail('data/AWSLogs', 0, 2, 18000)
 WHERE eventID LIKE '%070001' AND event_epoch = 1772594264;
-- a delay shorter than the real one prunes the late file: that is what the option says
SELECT 'max_delivery_delay=1h', count(*) FROM cloudtrail('data/AWSLogs', 0, 2, 3600)
 WHERE eventID LIKE '%070001' AND event_epoch = 1772594264;
.print '-- options of a named table'
CREATE VIRTUAL TABLE t1 USING cloudtrail('data/AWSLogs', threads=1, max_delivery_delay=0);
SELECT DISTINCT threads, max_delivery_delay FROM t1;
CREATE VIRTUAL TABLE e1 USING cloudtrail('data', threads=0);
CREATE VIRTUAL TABLE e2 USING cloudtrail('data', max_delivery_delay=-1);
.print '-- stopping early (LIMIT) while workers are reading ahead'
SELECT count(*) FROM (SELECT * FROM cloudtrail('data/AWSLogs', 0, 4) LIMIT 5);
SELECT eventName FROM cloudtrail('data/AWSLogs', 0, 2) WHERE eventName = 'DeleteVirtualMFADevice' LIMIT 1;
.print '-- the layout is not trusted: a us-east-1 event (global services) in a us-west-1 file of another account'
SELECT writefile('build/tmp/pushdown/AWSLogs/111122223333/CloudTrail/us-west-1/2026/03/03/111122223333_CloudTrail_us-west-1_20260303T1200Z_x.json',
  '{"Records":[{"eventTime":"2026-03-03T11:58:00Z","eventSource":"iam.amazonaws.com","eventName":"CreateUser","awsRegion":"us-east-1","recipientAccountId":"999999999999"}]}') > 0;
SELECT 'awsRegion =', count(*), (SELECT count(*) FROM cloudtrail('build/tmp/pushdown') WHERE +awsRegion = 'us-east-1')
  FROM cloudtrail('build/tmp/pushdown') WHERE awsRegion = 'us-east-1';
SELECT 'recipientAccountId =', count(*), (SELECT count(*) FROM cloudtrail('build/tmp/pushdown') WHERE +recipientAccountId = '999999999999')
  FROM cloudtrail('build/tmp/pushdown') WHERE recipientAccountId = '999999999999';
