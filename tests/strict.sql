-- strict=1: the first problem is an SQL error naming the file, the byte offset and what
-- was wrong. Digests are skipped without error; everything else unexpected is an error.
.load @EXT@
SELECT count(*) FROM cloudtrail('tests/fixtures/damaged/malformed_record.json', 1);
SELECT count(*) FROM cloudtrail('tests/fixtures/damaged/truncated.json.gz', 1);
SELECT count(*) FROM cloudtrail('tests/fixtures/damaged/bad_crc.json.gz', 1);
SELECT count(*) FROM cloudtrail('tests/fixtures/damaged/broken_line.jsonl', 1);
SELECT count(*) FROM cloudtrail('tests/fixtures/damaged/cut_array.json', 1);
SELECT count(*) FROM cloudtrail('tests/fixtures/damaged/garbage_between.json', 1);
SELECT count(*) FROM cloudtrail('tests/fixtures/damaged/not_a_record.json', 1);
SELECT count(*) FROM cloudtrail('tests/fixtures/damaged/trailing_garbage.json.gz', 1);
SELECT count(*) FROM cloudtrail('tests/fixtures/unknown/notes.txt', 1);
SELECT count(*) FROM cloudtrail('tests/fixtures/unknown/empty.json', 1);
SELECT count(*) FROM cloudtrail('tests/fixtures/unknown/other.json', 1);
SELECT count(*) FROM cloudtrail('tests/fixtures/unknown/random.bin', 1);
-- digests and clean files pass
SELECT count(*) FROM cloudtrail('tests/fixtures/AWSLogs', 1);
SELECT count(*) FROM cloudtrail('tests/fixtures/digest_by_content.json', 1);
-- the rows before the damage have already been returned when the error comes
SELECT eventName FROM cloudtrail('tests/fixtures/damaged/malformed_record.json', 1);
-- as named tables, with options
CREATE VIRTUAL TABLE t1 USING cloudtrail(path='tests/fixtures/damaged', strict=1);
SELECT count(*) FROM t1;
CREATE VIRTUAL TABLE t2 USING cloudtrail('tests/fixtures/damaged');
SELECT count(*) FROM t2;
-- a query's strict overrides the table's
SELECT count(*) FROM t2 WHERE strict = 1;
SELECT count(*) FROM t1 WHERE strict = 0;
CREATE VIRTUAL TABLE t3 USING cloudtrail("tests/fixtures/object.json", strict = 0);
SELECT eventName FROM t3;
-- option errors
CREATE VIRTUAL TABLE e1 USING cloudtrail(path='x', strict=2);
CREATE VIRTUAL TABLE e2 USING cloudtrail(colour='red');
CREATE VIRTUAL TABLE e3 USING cloudtrail('a', 'b');
CREATE VIRTUAL TABLE e4 USING cloudtrail(strict=1);
SELECT count(*) FROM e4;
CREATE VIRTUAL TABLE e5 USING cloudtrail('tests/fixtures/missing');
SELECT count(*) FROM e5;
