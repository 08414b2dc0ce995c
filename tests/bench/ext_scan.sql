-- cloudtrail extension, one full scan: count(*) of every record (the views' yardstick).
.bail on
.load @EXT@
@SETUP@
SELECT count(*) FROM @TRAIL@;
