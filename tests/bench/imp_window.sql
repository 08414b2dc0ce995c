-- cloudtrail extension on the imported case file: count(*) of the investigation view @VIEW@
-- of sql/investigate.sql over the table `trail` (as ext_window.sql over the files).
.bail on
.load @EXT@
.read @INVESTIGATE@
SELECT count(*) FROM @VIEW@;
