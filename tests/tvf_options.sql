.load @EXT@
.print '-- positional options work; every value is checked as CREATE VIRTUAL TABLE checks it'
SELECT count(*) FROM cloudtrail('data/AWSLogs', 1, 2, 0) WHERE eventName = 'DeactivateMFADevice';
SELECT DISTINCT strict, threads, max_delivery_delay FROM cloudtrail('tests/fixtures/object.json', 1, 3, 60);
SELECT count(*) FROM cloudtrail('tests/fixtures/object.json', 'yes');
SELECT count(*) FROM cloudtrail('tests/fixtures/object.json', 2);
SELECT count(*) FROM cloudtrail('tests/fixtures/object.json', 0, 0);
SELECT count(*) FROM cloudtrail('tests/fixtures/object.json', 0, 100);
SELECT count(*) FROM cloudtrail('tests/fixtures/object.json', 0, 1.5);
SELECT count(*) FROM cloudtrail('tests/fixtures/object.json', 0, 4, -5);
SELECT count(*) FROM cloudtrail('tests/fixtures/object.json', 0, 4, x'00');
.print '-- a second path is the strict argument, and so an error'
SELECT count(*) FROM cloudtrail('tests/fixtures/object.json', 'tests/fixtures/array.json');
.print '-- the same messages as the CREATE form'
CREATE VIRTUAL TABLE temp.t1 USING cloudtrail('tests/fixtures/object.json', strict='yes');
CREATE VIRTUAL TABLE temp.t2 USING cloudtrail('tests/fixtures/object.json', threads=0);
CREATE VIRTUAL TABLE temp.t3 USING cloudtrail('tests/fixtures/object.json', max_delivery_delay=-5);
.print '-- name=value in the table-valued form is an error that shows the positional form'
SELECT count(*) FROM cloudtrail('tests/fixtures/object.json', strict=1);
SELECT count(*) FROM cloudtrail(path='tests/fixtures/object.json');
SELECT count(*) FROM cloudtrail('tests/fixtures/object.json', threads=4);
SELECT count(*) FROM cloudtrail('tests/fixtures/object.json', max_delivery_delay=0);
.print '-- a created table keeps its options and shows them'
CREATE VIRTUAL TABLE temp.t4 USING cloudtrail('tests/fixtures/object.json', strict=1, threads=2);
SELECT DISTINCT path, strict, threads, max_delivery_delay FROM t4;
.print '-- NULL options give no rows'
SELECT count(*) FROM cloudtrail('tests/fixtures/object.json', NULL);
