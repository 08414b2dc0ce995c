.load @EXT@
.print '-- pruned: the files a cloudtrail scan bounded to [since, until] skips unread'
SELECT pruned, count(*) FROM cloudtrail_files('data/AWSLogs') GROUP BY 1;
SELECT pruned, count(*) FROM cloudtrail_files('data/AWSLogs', '2026-03-03T00:00:00Z', '2026-03-03T06:00:00Z') GROUP BY 1;
SELECT pruned, count(*) FROM cloudtrail_files('data/AWSLogs', 1772496000, 1772517600) GROUP BY 1;
SELECT pruned, count(*) FROM cloudtrail_files('data/AWSLogs', 1772496000, 1772517600, 0) GROUP BY 1;
SELECT pruned, count(*) FROM cloudtrail_files('data/AWSLogs', 1772496000, NULL) GROUP BY 1;
SELECT DISTINCT since, until, max_delivery_delay FROM cloudtrail_files('data/AWSLogs', 1772496000, '2026-03-03T06:00:00Z', 3600);
.print '-- the files it prunes hold none of the events of the window: same answer as the +column twin'
SELECT count(*) FROM cloudtrail('data/AWSLogs') WHERE event_epoch BETWEEN 1772496000 AND 1772517600;
SELECT count(*) FROM cloudtrail('data/AWSLogs') WHERE +event_epoch BETWEEN 1772496000 AND 1772517600;
SELECT count(*) FROM cloudtrail('data/AWSLogs') t JOIN cloudtrail_files('data/AWSLogs', 1772496000, 1772517600) f
  ON f.file = t.source_file WHERE f.pruned AND t.event_epoch BETWEEN 1772496000 AND 1772517600;
.print '-- errors'
SELECT count(*) FROM cloudtrail_files('data/AWSLogs', 'yesterday');
SELECT count(*) FROM cloudtrail_files('data/AWSLogs', 0, 0, -5);
SELECT count(*) FROM cloudtrail_files('data/AWSLogs', since=0);
.print '-- eventTime text bounds prune files as event_epoch bounds do, read on the text CloudTrail writes'
-- one file stamped 2026-03-09 12:00: events of its last day in CloudTrail's form (one a half
-- second inside max_delivery_delay, which sorts before the whole second), and two whose
-- eventTime CloudTrail never writes, outside the assumption
SELECT writefile('build/tmp/fp_text/AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/09/111122223333_CloudTrail_us-east-1_20260309T1200Z_x.json',
  '{"Records":[{"eventName":"A","eventTime":"2026-03-09T11:55:00Z","eventID":"a"},'
  || '{"eventName":"D","eventTime":"2026-03-08T12:00:00.500Z","eventID":"d"},'
  || '{"eventName":"B","eventTime":"2026-03-03 late","eventID":"b"},'
  || '{"eventName":"C","eventTime":"2026-03-10 x","eventID":"c"}]}') > 0;
SELECT 'day 03-09', group_concat(eventName) FROM cloudtrail('build/tmp/fp_text') WHERE eventTime >= '2026-03-09' AND eventTime < '2026-03-10';
SELECT 'before 03-08T12:00:00Z', group_concat(eventName) FROM cloudtrail('build/tmp/fp_text') WHERE eventTime < '2026-03-08T12:00:00Z';
SELECT 'before 03-08T12:00:00Z, +eventTime', group_concat(eventName) FROM cloudtrail('build/tmp/fp_text') WHERE +eventTime < '2026-03-08T12:00:00Z';
SELECT 'day 03-03 (pruned)', count(*) FROM cloudtrail('build/tmp/fp_text') WHERE eventTime >= '2026-03-03' AND eventTime < '2026-03-04';
SELECT 'day 03-03, +eventTime', group_concat(eventName) FROM cloudtrail('build/tmp/fp_text') WHERE +eventTime >= '2026-03-03' AND +eventTime < '2026-03-04';
SELECT 'day 03-03, max_delivery_delay 0', group_concat(eventName) FROM cloudtrail('build/tmp/fp_text', 0, 1, 0) WHERE eventTime >= '2026-03-03' AND eventTime < '2026-03-04';
SELECT 'after 09T13:00:00Z (pruned)', count(*) FROM cloudtrail('build/tmp/fp_text') WHERE eventTime > '2026-03-09T13:00:00Z';
SELECT 'after 09T12:59:59Z', group_concat(eventName) FROM cloudtrail('build/tmp/fp_text') WHERE eventTime > '2026-03-09T12:59:59Z';
SELECT 'after 09T13:00:00Z, max_delivery_delay 0', group_concat(eventName) FROM cloudtrail('build/tmp/fp_text', 0, 1, 0) WHERE eventTime > '2026-03-09T13:00:00Z';
