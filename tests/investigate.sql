-- sql/investigate.sql over the sample corpus: the exact rows of each view, then the same
-- rows whether `trail` is the virtual table or an ordinary table, and with
-- PRAGMA trusted_schema off.
.load @EXT@
PRAGMA trusted_schema = OFF;
CREATE VIRTUAL TABLE temp.trail USING cloudtrail('data/AWSLogs');
.read sql/investigate.sql
CREATE TEMP TABLE n AS
  SELECT row_number() OVER (ORDER BY event_epoch, event_id) AS n, alert_id FROM mfa_deactivation_alerts;
.print '-- alerts'
SELECT n.n, a.alert_id, a.event_time, a.event_name, a.actor, a.target_user, a.mfa_serial
  FROM mfa_deactivation_alerts a JOIN n USING (alert_id) ORDER BY n.n;
.print '-- 48 hours before each alert, by its actor: alert, offset, event, outcome, is_alert'
SELECT n.n, w.offset_seconds, w.event_name, w.outcome, w.is_alert, w.event_id
  FROM mfa_alert_window_48h w JOIN n USING (alert_id) ORDER BY n.n, w.event_epoch, w.event_id;
.print '-- 24 hours either side, by the actor or the target user'
SELECT n.n, w.subject, w.offset_seconds, w.event_name, w.user_name, w.source_address, w.outcome, w.event_id
  FROM mfa_alert_window_24h w JOIN n USING (alert_id) ORDER BY n.n, w.event_epoch, w.event_id;
.print '-- the scope summary'
SELECT n.n, s.subject, s.event_source, s.events, s.failures, s.first_time, s.last_time,
       s.event_names, s.source_addresses, s.resources
  FROM mfa_alert_scope_24h s JOIN n USING (alert_id) ORDER BY n.n, s.subject, s.events DESC, s.event_source;
.print '-- the same rows over a materialised table (differences either way: 0)'
CREATE TEMP TABLE v48 AS SELECT * FROM mfa_alert_window_48h;
CREATE TEMP TABLE v24 AS SELECT * FROM mfa_alert_window_24h;
CREATE TEMP TABLE vscope AS SELECT * FROM mfa_alert_scope_24h;
CREATE TEMP TABLE valerts AS SELECT * FROM mfa_deactivation_alerts;
DROP TABLE temp.trail;
CREATE TEMP TABLE trail AS SELECT * FROM cloudtrail('data/AWSLogs');
.read sql/investigate.sql
SELECT 'alerts', (SELECT count(*) FROM (SELECT * FROM valerts EXCEPT SELECT * FROM mfa_deactivation_alerts)),
                 (SELECT count(*) FROM (SELECT * FROM mfa_deactivation_alerts EXCEPT SELECT * FROM valerts));
SELECT '48h', (SELECT count(*) FROM (SELECT * FROM v48 EXCEPT SELECT * FROM mfa_alert_window_48h)),
              (SELECT count(*) FROM (SELECT * FROM mfa_alert_window_48h EXCEPT SELECT * FROM v48));
SELECT '24h', (SELECT count(*) FROM (SELECT * FROM v24 EXCEPT SELECT * FROM mfa_alert_window_24h)),
              (SELECT count(*) FROM (SELECT * FROM mfa_alert_window_24h EXCEPT SELECT * FROM v24));
SELECT 'scope', (SELECT count(*) FROM (SELECT * FROM vscope EXCEPT SELECT * FROM mfa_alert_scope_24h)),
                (SELECT count(*) FROM (SELECT * FROM mfa_alert_scope_24h EXCEPT SELECT * FROM vscope));
.print '-- a database file cannot hold these views when trusted_schema is off'
.open build/tmp/investigate.db
.load @EXT@
CREATE VIRTUAL TABLE trail USING cloudtrail('data/AWSLogs');
CREATE VIEW file_alerts AS SELECT * FROM detect_mfa_deactivation('trail');
PRAGMA trusted_schema = OFF;
SELECT count(*) FROM file_alerts;
.read sql/investigate.sql
SELECT count(*) FROM mfa_deactivation_alerts;
