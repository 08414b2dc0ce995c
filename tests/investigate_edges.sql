-- sql/investigate.sql on alerts the sample has none of: without an eventID, with an eventID
-- of "" (no eventID, as in Elastic, which drops empty values, and in detect), and without an
-- actor. Before: one alert without an eventID made is_alert NULL on every other row (SQL IN
-- with a NULL); the windows took "" for a real id (two different events with "" became one);
-- an alert without an actor had no window rows, not even itself.
.load @EXT@
-- mallory: ListUsers m1 (delivered twice), two different GetUser events with eventID "", then
-- alerts a1, one without eventID and one with ""; nobody (no userIdentity): ListUsers n1, alert
-- a4 (its target dave then acts: d1), and an alert without eventID (delivered twice); mallory
-- again: alert a6 without an eventTime.
SELECT writefile('build/tmp/investigate_edges.jsonl',
'{"eventTime":"2026-03-03T10:00:00Z","eventSource":"iam.amazonaws.com","eventName":"ListUsers","eventID":"m1","userIdentity":{"type":"IAMUser","userName":"mallory","arn":"arn:aws:iam::111122223333:user/mallory","accountId":"111122223333"}}
{"eventTime":"2026-03-03T10:00:00Z","eventSource":"iam.amazonaws.com","eventName":"ListUsers","eventID":"m1","userIdentity":{"type":"IAMUser","userName":"mallory","arn":"arn:aws:iam::111122223333:user/mallory","accountId":"111122223333"}}
{"eventTime":"2026-03-03T10:30:00Z","eventSource":"iam.amazonaws.com","eventName":"GetUser","eventID":"","sourceIPAddress":"198.51.100.2","userIdentity":{"type":"IAMUser","userName":"mallory","arn":"arn:aws:iam::111122223333:user/mallory","accountId":"111122223333"}}
{"eventTime":"2026-03-03T10:31:00Z","eventSource":"iam.amazonaws.com","eventName":"GetUser","eventID":"","sourceIPAddress":"198.51.100.3","userIdentity":{"type":"IAMUser","userName":"mallory","arn":"arn:aws:iam::111122223333:user/mallory","accountId":"111122223333"}}
{"eventTime":"2026-03-03T11:00:00Z","eventSource":"iam.amazonaws.com","eventName":"DeactivateMFADevice","eventID":"a1","requestParameters":{"userName":"alice"},"userIdentity":{"type":"IAMUser","userName":"mallory","arn":"arn:aws:iam::111122223333:user/mallory","accountId":"111122223333"}}
{"eventTime":"2026-03-03T11:10:00Z","eventSource":"iam.amazonaws.com","eventName":"DeactivateMFADevice","requestParameters":{"userName":"bob"},"userIdentity":{"type":"IAMUser","userName":"mallory","arn":"arn:aws:iam::111122223333:user/mallory","accountId":"111122223333"}}
{"eventTime":"2026-03-03T11:20:00Z","eventSource":"iam.amazonaws.com","eventName":"DeactivateMFADevice","eventID":"","requestParameters":{"userName":"carol"},"userIdentity":{"type":"IAMUser","userName":"mallory","arn":"arn:aws:iam::111122223333:user/mallory","accountId":"111122223333"}}
{"eventTime":"2026-03-03T11:25:00Z","eventSource":"iam.amazonaws.com","eventName":"ListUsers","eventID":"n1"}
{"eventTime":"2026-03-03T11:30:00Z","eventSource":"iam.amazonaws.com","eventName":"DeactivateMFADevice","eventID":"a4","recipientAccountId":"111122223333","requestParameters":{"userName":"dave"}}
{"eventTime":"2026-03-03T11:40:00Z","eventSource":"iam.amazonaws.com","eventName":"DeactivateMFADevice","requestParameters":{"userName":"erin"}}
{"eventTime":"2026-03-03T11:40:00Z","eventSource":"iam.amazonaws.com","eventName":"DeactivateMFADevice","requestParameters":{"userName":"erin"}}
{"eventTime":"2026-03-03T12:00:00Z","eventSource":"iam.amazonaws.com","eventName":"CreateAccessKey","eventID":"d1","userIdentity":{"type":"IAMUser","userName":"dave","accountId":"111122223333"}}
{"eventSource":"iam.amazonaws.com","eventName":"DeactivateMFADevice","eventID":"a6","requestParameters":{"userName":"frank"},"userIdentity":{"type":"IAMUser","userName":"mallory","arn":"arn:aws:iam::111122223333:user/mallory","accountId":"111122223333"}}
') > 0;
CREATE VIRTUAL TABLE temp.trail USING cloudtrail('build/tmp/investigate_edges.jsonl');
.read sql/investigate.sql
.mode list
.print '-- the alerts (named by their target user below)'
SELECT target_user, event_time, quote(event_id), quote(actor) FROM mfa_deactivation_alerts;
CREATE TEMP TABLE n AS SELECT alert_id, target_user AS alert FROM mfa_deactivation_alerts;
.print '-- 48 hours: alert, offset, event, event id, source address, is_alert'
SELECT n.alert, w.offset_seconds, w.event_name, quote(w.event_id), quote(w.source_address), quote(w.is_alert)
  FROM mfa_alert_window_48h w JOIN n USING (alert_id)
 ORDER BY n.alert, w.event_epoch, w.source_address;
.print '-- alerts with no 48-hour row (none: each has at least its own)'
SELECT alert FROM n WHERE alert_id NOT IN (SELECT alert_id FROM mfa_alert_window_48h);
.print '-- 24 hours: alert, subject, offset, event, event id, user'
SELECT n.alert, w.subject, w.offset_seconds, w.event_name, quote(w.event_id), quote(w.user_name)
  FROM mfa_alert_window_24h w JOIN n USING (alert_id)
 ORDER BY n.alert, w.subject, w.event_epoch, w.event_id;
.print '-- the scope summary'
SELECT n.alert, s.subject, s.event_source, s.events, s.event_names
  FROM mfa_alert_scope_24h s JOIN n USING (alert_id) ORDER BY n.alert, s.subject;
