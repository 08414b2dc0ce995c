-- A database's own views cannot read files through the extension when trusted_schema is
-- off (a hostile .db opened by an analyst); TEMP views, made by the analyst, still can.
.open build/tmp/hostile.db
.load @EXT@
CREATE VIEW v AS SELECT eventName FROM cloudtrail('tests/fixtures/object.json');
CREATE VIEW vf AS SELECT file FROM cloudtrail_files('tests/fixtures/object.json');
CREATE TABLE t(x);
CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT count(*) FROM cloudtrail('tests/fixtures/object.json'); END;
PRAGMA trusted_schema = OFF;
SELECT * FROM v;
SELECT * FROM vf;
INSERT INTO t VALUES (1);
CREATE TEMP VIEW tv AS SELECT eventName FROM cloudtrail('tests/fixtures/object.json');
SELECT * FROM tv;
PRAGMA trusted_schema = ON;
SELECT * FROM v;
SELECT * FROM vf;
