-- cloudtrail extension, SELECT * into a table: every row and column of the corpus copied
-- into an ordinary table of the sqlite3 shell's in-memory database (:memory:), then counted.
.bail on
.load @EXT@
@SETUP@
CREATE TABLE t AS SELECT * FROM @TRAIL@;
SELECT count(*) FROM t;
