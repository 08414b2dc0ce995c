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
