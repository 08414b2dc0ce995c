-- cloudtrail extension, an investigation view of sql/investigate.sql (the copy run.sh took
-- at its start) over the virtual table, not over a materialised copy: count(*) of @VIEW@.
.bail on
.load @EXT@
CREATE VIRTUAL TABLE temp.trail USING cloudtrail(@VTAB_ARGS@);
.read @INVESTIGATE@
SELECT count(*) FROM @VIEW@;
