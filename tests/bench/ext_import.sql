-- cloudtrail extension, cloudtrail_import: the corpus into the table `trail` of the database
-- the shell opened (a new file each run, or the prepared case file for a re-import); the
-- summary without its import id and time, one value per line.
.bail on
.load @EXT@
.mode line
SELECT files_added, files_changed, files_unchanged, files_missing, files_failed, records_added,
       records_replaced, duplicates_skipped
  FROM cloudtrail_import('trail', @PLAIN@);
