-- cloudtrail extension, credential lineage: every row of cloudtrail_sessions as
-- access_key_id|origin_arn|hops|link, one line per credential (run.sh sorts them), so that
-- each run must give the same chains' ends. No DuckDB or json_each equivalent is timed.
.bail on
.load @EXT@
@SETUP@
SELECT access_key_id || '|' || coalesce(origin_arn, '') || '|' || hops || '|' || link
  FROM cloudtrail_sessions(@SOURCE@);
