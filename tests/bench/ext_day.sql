-- cloudtrail extension, one day of events: the same day written as a text bound on eventTime
-- (how most people write a date filter) or as a bound on event_epoch; both prune files by
-- their delivery stamp (README "Speed").
.bail on
.load @EXT@
@SETUP@
SELECT count(*), count(DISTINCT eventName) FROM @TRAIL@ WHERE @WHERE@;
