-- cloudtrail extension, an investigation view of sql/investigate.sql over the virtual
-- table (not over a materialised copy): count(*) of @VIEW@.
.bail on
.load @EXT@
CREATE VIRTUAL TABLE temp.trail USING cloudtrail(@VTAB_ARGS@);
.read sql/investigate.sql
SELECT count(*) FROM @VIEW@;
