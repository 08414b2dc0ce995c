-- cloudtrail extension, one full scan with a given number of threads: count(*) of every
-- record (the tiny-files corpus: many small files, read in batches by the workers).
.bail on
.load @EXT@
CREATE VIRTUAL TABLE temp.ct USING cloudtrail(@PLAIN@, threads=@SCAN_THREADS@);
SELECT count(*) FROM ct;
