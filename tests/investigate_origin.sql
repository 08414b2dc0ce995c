-- mfa_alert_window_24h_origin: the 24 hours around each alert, for every credential of the
-- origin behind the alert's credential (sql/investigate.sql).
.load @EXT@
.mode list
CREATE VIRTUAL TABLE temp.trail USING cloudtrail('data/AWSLogs');
.read sql/investigate.sql
.print '-- rows per alert and origin (alerts without an origin have none)'
SELECT substr(alert_id, 1, 8), origin_arn, origin_type, count(*), count(DISTINCT access_key_id),
       min(offset_seconds), max(offset_seconds)
  FROM mfa_alert_window_24h_origin GROUP BY alert_id ORDER BY min(event_epoch - offset_seconds), alert_id;
.print '-- S14 (the session in 444455556666): what every credential of dave did, 07:00 to 07:15'
SELECT offset_seconds, event_name, account_id, access_key_id, hops, link, source_address
  FROM mfa_alert_window_24h_origin
 WHERE alert_id LIKE 'be2e3675%' AND offset_seconds BETWEEN -600 AND 300
 ORDER BY event_epoch, event_id;
.print '-- every row is signed by a credential whose origin is the alert origin: 0 are not'
WITH s AS MATERIALIZED (SELECT access_key_id, origin_arn FROM cloudtrail_sessions('table:trail'))
SELECT count(*) FROM mfa_alert_window_24h_origin w
  LEFT JOIN s ON s.access_key_id = w.access_key_id
 WHERE s.origin_arn IS NOT w.origin_arn;
.print '-- no event twice in one alert window: 0'
SELECT count(*) FROM (SELECT alert_id, event_id FROM mfa_alert_window_24h_origin
                       GROUP BY 1, 2 HAVING count(*) > 1);
