-- cloudtrail extension, count by eventName: eventName|count, one line per name.
.bail on
.load @EXT@
@SETUP@
SELECT eventName, count(*) FROM @TRAIL@ GROUP BY 1 ORDER BY 1;
