-- Arguments: NULL, missing, wrong type, missing paths, globs, joins.
.load @EXT@
-- a NULL argument gives no rows, not an error
SELECT count(*) FROM cloudtrail(NULL);
SELECT count(*) FROM cloudtrail_files(NULL);
SELECT count(*) FROM cloudtrail('tests/fixtures/object.json', NULL);
-- no argument at all is an error
SELECT count(*) FROM cloudtrail();
SELECT count(*) FROM cloudtrail_files();
-- paths that do not exist are errors that name them
SELECT count(*) FROM cloudtrail('tests/fixtures/nope');
SELECT count(*) FROM cloudtrail_files('tests/fixtures/nope');
SELECT count(*) FROM cloudtrail('');
SELECT count(*) FROM cloudtrail(42);
-- a glob that matches nothing is an error too: a typo must not look like an empty case
SELECT count(*) FROM cloudtrail('tests/fixtures/*.nothing');
SELECT count(*) FROM cloudtrail('tests/nope/**/*.json');
-- an empty folder is not an error
.shell mkdir -p build/tmp/empty-dir
SELECT count(*) FROM cloudtrail('build/tmp/empty-dir');
-- "*" stays inside one folder, "**" crosses any number, including none
SELECT replace(file, 'tests/fixtures/', '') FROM cloudtrail_files('tests/fixtures/*.jsonl');
SELECT replace(file, 'tests/fixtures/', '') FROM cloudtrail_files('tests/fixtures/**/*.json.gz');
SELECT replace(file, 'tests/fixtures/', '') FROM cloudtrail_files('tests/fixtures/**/damaged/[bc]?*');
SELECT count(*) FROM cloudtrail('tests/fixtures/AWSLogs/**/us-east-1/**');
-- a trailing slash, and a single file
SELECT count(*) FROM cloudtrail('tests/fixtures/damaged/');
SELECT count(*) FROM cloudtrail('tests/fixtures/records.json.gz');
-- the path can come from another table: one scan per row
CREATE TABLE cases(p TEXT);
INSERT INTO cases VALUES ('tests/fixtures/object.json'), ('tests/fixtures/array.json');
SELECT p, count(*) FROM cases, cloudtrail(cases.p) GROUP BY p ORDER BY p;
-- the hidden columns show the arguments
SELECT DISTINCT path, strict FROM cloudtrail('tests/fixtures/object.json', 0);
SELECT DISTINCT path FROM cloudtrail_files('tests/fixtures/object.json');
-- an OR makes SQLite plan each of its terms alone, without the argument: not an error
CREATE TEMP TABLE seen AS SELECT * FROM cloudtrail('tests/fixtures/ndjson.jsonl');
SELECT count(*) FROM seen s JOIN cloudtrail_files('tests/fixtures') f ON f.file = s.source_file
 WHERE f.records = 3 OR f.format = 'x';
SELECT count(*) FROM seen s JOIN cloudtrail('tests/fixtures/ndjson.jsonl') t ON t.eventID = s.eventID
 WHERE t.eventName = 'ListBuckets' OR t.readOnly = 0;
