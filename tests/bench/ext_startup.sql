-- cloudtrail extension, startup: the sqlite3 shell loads the extension and answers SELECT 1.
.bail on
.load @EXT@
SELECT 1;
