-- cloudtrail_files(): one row per file found, with what the reader made of it.
.load @EXT@
.headers on
SELECT replace(file, 'tests/fixtures/', '') AS file, size, compressed, format, records, status,
       error, account, region, file_time
  FROM cloudtrail_files('tests/fixtures');
-- the summary a responder runs first
SELECT status, count(*) AS files, sum(records) AS records FROM cloudtrail_files('tests/fixtures')
 GROUP BY status ORDER BY status;
