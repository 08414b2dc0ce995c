-- investigate.sql: the investigation guide of Elastic's "AWS IAM Deactivation of MFA
-- Device" rule, as views over a table or view called `trail` that has the cloudtrail
-- table's columns (the virtual table itself, or a materialised copy of it):
--
--   .load ./build/cloudtrail
--   CREATE VIRTUAL TABLE temp.trail USING cloudtrail('cases/acme/AWSLogs');
--   .read sql/investigate.sql
--   SELECT * FROM mfa_deactivation_alerts;
--
-- The views are TEMP views. The cloudtrail table reads files, so it is not innocuous, and
-- SQLite refuses it inside a database's own views when PRAGMA trusted_schema is off; TEMP
-- views belong to the connection, not to a database file, so they work either way. Read
-- this file again in each new connection.
--
-- Each view reads `trail` once for the alerts and once for the events of the identities
-- involved, whatever the number of alerts: the events are narrowed to those identities
-- first (a MATERIALIZED common table expression), then joined to each alert's window.
-- For repeated questions on a very large case, import it once (an indexed ordinary table,
-- README "Case files: cloudtrail_import"):
--   SELECT * FROM cloudtrail_import('trail', 'cases/acme');
--   .read sql/investigate.sql
-- On such a table (it has the `record_offset` column) the windows take their other branch: each
-- event is there once and indexed, so each alert's window is read through the (actor,
-- event_epoch), (user_name, account_id, event_epoch) and (access_key_id, event_epoch)
-- indexes, without the de-duplication pass or the OR join. Both branches give the same rows
-- (tests/import_views.sh).

DROP VIEW IF EXISTS temp.mfa_deactivation_alerts;
DROP VIEW IF EXISTS temp.mfa_alert_window_48h;
DROP VIEW IF EXISTS temp.mfa_alert_window_24h;
DROP VIEW IF EXISTS temp.mfa_alert_scope_24h;
DROP VIEW IF EXISTS temp.mfa_alert_other_alerts_48h;
DROP VIEW IF EXISTS temp.mfa_alert_window_24h_origin;
DROP VIEW IF EXISTS temp.mfa_alert_coverage;
DROP VIEW IF EXISTS temp.mfa_trail_imported;

-- 1 when `trail` is a table cloudtrail_import wrote (it has record_offset: each event once,
-- indexed), else 0: the windows below then take their per-alert, index-driven branch, which
-- reads rows back by rowid. A view over such a table has the columns but no rowid: 0.
CREATE TEMP VIEW mfa_trail_imported AS
  SELECT EXISTS (SELECT 1 FROM pragma_table_xinfo('trail') WHERE name = 'record_offset')
     AND (SELECT type FROM pragma_table_list('trail')
           ORDER BY CASE schema WHEN 'temp' THEN 0 WHEN 'main' THEN 1 ELSE 2 END LIMIT 1)
         = 'table' AS imported;

-- The alerts: one row per MFA device deactivated or deleted successfully, as the rule
-- defines it (detect_mfa_deactivation() over the table `trail`, never a folder of that name).
CREATE TEMP VIEW mfa_deactivation_alerts AS
  SELECT * FROM detect_mfa_deactivation('table:trail');

-- How the views tell events apart, as detect_mfa_deactivation does: by eventID, or by the
-- record's text when there is none. An eventID of "" is no eventID (Elastic drops empty
-- values). So `k` = coalesce(nullif(eventID, ''), record) names one event: an event CloudTrail
-- delivered twice is listed once, and is_alert never meets a NULL.
--
-- An alert whose window cannot be drawn (no actor, or no event time) still gets its own row:
-- its actor window holds only the alert itself. Finding that row costs one more read of
-- `trail` per such alert (narrowed to its eventID, or its eventName), and none otherwise.

-- "Investigate other alerts associated with the user account during the past 48 hours."
-- For each alert, every event by the same actor in the 48 hours before it, through the
-- alert itself. is_alert is 1 for events that are alerts themselves. An alert without an
-- actor (or without an event time) has only its own row.
CREATE TEMP VIEW mfa_alert_window_48h AS
  WITH alerts AS MATERIALIZED (
    SELECT alert_id, event_epoch, event_id, event_name, nullif(actor, '') AS actor, record,
           coalesce(nullif(event_id, ''), record) AS k,
           (SELECT imported FROM mfa_trail_imported) AS imported
      FROM mfa_deactivation_alerts
  ), events AS MATERIALIZED (
    SELECT coalesce(t.rowid, coalesce(t.source_file, '') || char(1)
                    || printf('%012d', t.record_index)) AS rid, t.actor, t.eventTime, t.event_epoch, t.eventSource, t.eventName,
           t.awsRegion, t.sourceIPAddress, t.userAgent, t.target_user, t.outcome, t.errorCode,
           t.eventID, t.source_file, t.record_index, coalesce(nullif(t.eventID, ''), t.record) AS k
      FROM trail t
     WHERE t.actor IN (SELECT actor FROM alerts WHERE NOT imported)
       AND t.event_epoch BETWEEN (SELECT min(event_epoch) FROM alerts) - 172800
                             AND (SELECT max(event_epoch) FROM alerts)
  ), firsts AS MATERIALIZED (
    -- each event once: its first delivery in reading order (the rowid; a view over a table
    -- has none: the smallest source_file and record_index, as cloudtrail_import keeps),
    -- found by a narrow sort rather than one of the rows
    SELECT min(rid) AS rid FROM events GROUP BY k
  ), own AS MATERIALIZED (
    -- the own event of each alert the actor window cannot reach
    SELECT * FROM (
      SELECT *, row_number() OVER (PARTITION BY k ORDER BY rid) AS copy FROM (
        SELECT t.rowid AS rid, t.actor, t.eventTime, t.event_epoch, t.eventSource, t.eventName,
               t.awsRegion, t.sourceIPAddress, t.userAgent, t.target_user, t.outcome,
               t.errorCode, t.eventID, t.source_file, t.record_index, t.eventID AS k
          FROM alerts a CROSS JOIN trail t
         WHERE (a.actor IS NULL OR a.event_epoch IS NULL) AND a.event_id <> ''
           AND t.eventID = a.event_id
        UNION ALL
        SELECT t.rowid, t.actor, t.eventTime, t.event_epoch, t.eventSource, t.eventName,
               t.awsRegion, t.sourceIPAddress, t.userAgent, t.target_user, t.outcome,
               t.errorCode, t.eventID, t.source_file, t.record_index, t.record
          FROM alerts a CROSS JOIN trail t
         WHERE (a.actor IS NULL OR a.event_epoch IS NULL) AND nullif(a.event_id, '') IS NULL
           AND t.eventName = a.event_name AND nullif(t.eventID, '') IS NULL
           AND t.record = a.record
      )
    ) WHERE copy = 1
  )
  SELECT alert_id, offset_seconds, event_time, event_epoch, event_source, event_name,
         aws_region, source_address, user_agent, target_user, outcome, error_code, event_id,
         is_alert, source_file, record_index
    FROM (
      SELECT a.alert_id, a.event_epoch AS alert_epoch, e.k,
             e.event_epoch - a.event_epoch AS offset_seconds,
             e.eventTime AS event_time, e.event_epoch, e.eventSource AS event_source,
             e.eventName AS event_name, e.awsRegion AS aws_region,
             e.sourceIPAddress AS source_address, e.userAgent AS user_agent,
             e.target_user, e.outcome, e.errorCode AS error_code, e.eventID AS event_id,
             e.k IN (SELECT k FROM alerts) AS is_alert,
             e.source_file, e.record_index
        -- each event (once) against each alert: a handful of alerts, so no index is built
        FROM events e CROSS JOIN alerts a
       WHERE e.rid IN (SELECT rid FROM firsts) AND e.actor = a.actor
         AND e.event_epoch BETWEEN a.event_epoch - 172800 AND a.event_epoch
      UNION ALL
      -- an imported table: one row per event already, and an index on (actor, event_epoch)
      SELECT a.alert_id, a.event_epoch, coalesce(nullif(t.eventID, ''), t.record),
             t.event_epoch - a.event_epoch, t.eventTime, t.event_epoch, t.eventSource,
             t.eventName, t.awsRegion, t.sourceIPAddress, t.userAgent, t.target_user,
             t.outcome, t.errorCode, t.eventID,
             coalesce(nullif(t.eventID, ''), t.record) IN (SELECT k FROM alerts), t.source_file,
             t.record_index
        FROM alerts a CROSS JOIN trail t
       WHERE a.imported AND t.actor = a.actor
         AND t.event_epoch BETWEEN a.event_epoch - 172800 AND a.event_epoch
      UNION ALL
      SELECT a.alert_id, a.event_epoch, e.k, e.event_epoch - a.event_epoch, e.eventTime,
             e.event_epoch, e.eventSource, e.eventName, e.awsRegion, e.sourceIPAddress,
             e.userAgent, e.target_user, e.outcome, e.errorCode, e.eventID, 1, e.source_file,
             e.record_index
        FROM alerts a
        JOIN own e ON e.k = a.k
       WHERE a.actor IS NULL OR a.event_epoch IS NULL
    )
   ORDER BY alert_epoch, alert_id, event_epoch, event_id, k;

-- "Scope potentially compromised assets by tracking servers, services, and data accessed
-- by the account in the last 24 hours." For each alert, every event from 24 hours before
-- to 24 hours after it, by the actor (subject 'actor') or by the IAM user whose MFA was
-- removed (subject 'target': same user_name and account_id as the alert's target_user).
-- DeleteVirtualMFADevice names only a device, so its alerts have no target rows. An alert
-- without an actor has, as subject 'actor', only its own row (and its target rows); one
-- without an event time has only its own row.
CREATE TEMP VIEW mfa_alert_window_24h AS
  WITH alerts AS MATERIALIZED (
    SELECT alert_id, event_epoch, event_id, event_name, nullif(actor, '') AS actor,
           target_user, account_id, record, coalesce(nullif(event_id, ''), record) AS k,
           (SELECT imported FROM mfa_trail_imported) AS imported
      FROM mfa_deactivation_alerts
  ), events AS MATERIALIZED (
    SELECT coalesce(t.rowid, coalesce(t.source_file, '') || char(1)
                    || printf('%012d', t.record_index)) AS rid, t.actor, t.user_type, t.user_name, t.account_id, t.access_key_id,
           t.eventTime, t.event_epoch, t.eventSource, t.eventName, t.awsRegion,
           t.sourceIPAddress, t.userAgent, t.outcome, t.errorCode, t.readOnly,
           t.requestParameters, t.resources, t.eventID, t.source_file, t.record_index,
           coalesce(nullif(t.eventID, ''), t.record) AS k
      -- the files: one read, the reader keeping only the actors' and the target users'
      -- events (cloudtrail_involves: SQLite hands a virtual table no OR of IN lists);
      -- never run on an imported table (g is empty), whose branch is `hits` below
      FROM (SELECT 1 WHERE NOT (SELECT imported FROM mfa_trail_imported)) g CROSS JOIN trail t
     WHERE (t.actor IN (SELECT actor FROM alerts)
            OR (t.user_type = 'IAMUser'
                AND (t.user_name, t.account_id) IN (SELECT target_user, account_id FROM alerts)))
       -- the same, as the reader takes it (on a table copy SQLite checks the OR above first)
       AND cloudtrail_involves(t.record, json_object(
             'actor', json((SELECT json_group_array(actor) FROM alerts WHERE actor IS NOT NULL)),
             'iam_user', json((SELECT json_group_array(json_array(target_user, account_id))
                                 FROM alerts
                                WHERE target_user IS NOT NULL AND account_id IS NOT NULL))))
       AND t.event_epoch BETWEEN (SELECT min(event_epoch) FROM alerts) - 86400
                             AND (SELECT max(event_epoch) FROM alerts) + 86400
  ), firsts AS MATERIALIZED (
    -- each event once: its first delivery in reading order (the rowid; a view over a table
    -- has none: the smallest source_file and record_index, as cloudtrail_import keeps),
    -- found by a narrow sort rather than one of the rows
    SELECT min(rid) AS rid FROM events GROUP BY k
  ), own AS MATERIALIZED (
    -- the own event of each alert the actor window cannot reach
    SELECT * FROM (
      SELECT *, row_number() OVER (PARTITION BY k ORDER BY rid) AS copy FROM (
        SELECT t.rowid AS rid, t.actor, t.user_type, t.user_name, t.account_id,
               t.access_key_id, t.eventTime, t.event_epoch, t.eventSource, t.eventName,
               t.awsRegion, t.sourceIPAddress, t.userAgent, t.outcome, t.errorCode, t.readOnly,
               t.requestParameters, t.resources, t.eventID, t.source_file, t.record_index,
               t.eventID AS k
          FROM alerts a CROSS JOIN trail t
         WHERE (a.actor IS NULL OR a.event_epoch IS NULL) AND a.event_id <> ''
           AND t.eventID = a.event_id
        UNION ALL
        SELECT t.rowid, t.actor, t.user_type, t.user_name, t.account_id, t.access_key_id,
               t.eventTime, t.event_epoch, t.eventSource, t.eventName, t.awsRegion,
               t.sourceIPAddress, t.userAgent, t.outcome, t.errorCode, t.readOnly,
               t.requestParameters, t.resources, t.eventID, t.source_file, t.record_index,
               t.record
          FROM alerts a CROSS JOIN trail t
         WHERE (a.actor IS NULL OR a.event_epoch IS NULL) AND nullif(a.event_id, '') IS NULL
           AND t.eventName = a.event_name AND nullif(t.eventID, '') IS NULL
           AND t.record = a.record
      )
    ) WHERE copy = 1
  ), hits AS MATERIALIZED (
    -- an imported table: one row per event already; each alert's events through the
    -- indexes (the actor's, then the target user's that are not the actor's), then read in
    -- table order (rowid), so that each stored file is inflated once, not once per alert
    SELECT a.alert_id, a.event_epoch AS alert_epoch, 'actor' AS subject, t.rowid AS rid
      FROM alerts a CROSS JOIN trail t
     WHERE a.imported AND t.actor = a.actor
       AND t.event_epoch BETWEEN a.event_epoch - 86400 AND a.event_epoch + 86400
    UNION ALL
    SELECT a.alert_id, a.event_epoch, 'target', t.rowid
      FROM alerts a CROSS JOIN trail t
     WHERE a.imported AND t.user_name = a.target_user AND t.account_id = a.account_id
       AND t.event_epoch BETWEEN a.event_epoch - 86400 AND a.event_epoch + 86400
       AND t.user_type = 'IAMUser' AND NOT coalesce(t.actor = a.actor, 0)
    ORDER BY rid LIMIT -1          -- a LIMIT: SQLite drops a subquery's bare ORDER BY
  )
  SELECT alert_id, subject, offset_seconds, event_time, event_epoch, event_source, event_name,
         aws_region, actor, user_name, access_key_id, source_address, user_agent, outcome,
         error_code, read_only, request_parameters, resources, event_id, source_file,
         record_index
    FROM (
      SELECT a.alert_id, a.event_epoch AS alert_epoch, e.k,
             CASE WHEN e.actor = a.actor THEN 'actor' ELSE 'target' END AS subject,
             e.event_epoch - a.event_epoch AS offset_seconds,
             e.eventTime AS event_time, e.event_epoch, e.eventSource AS event_source,
             e.eventName AS event_name, e.awsRegion AS aws_region, e.actor, e.user_name,
             e.access_key_id, e.sourceIPAddress AS source_address, e.userAgent AS user_agent,
             e.outcome, e.errorCode AS error_code, e.readOnly AS read_only,
             e.requestParameters AS request_parameters, e.resources, e.eventID AS event_id,
             e.source_file, e.record_index
        -- each event (once) against each alert: a handful of alerts, so no index is built
        FROM events e CROSS JOIN alerts a
       WHERE e.rid IN (SELECT rid FROM firsts)
         AND e.event_epoch BETWEEN a.event_epoch - 86400 AND a.event_epoch + 86400
         AND (e.actor = a.actor
              OR (e.user_type = 'IAMUser' AND e.user_name = a.target_user
                  AND e.account_id = a.account_id))
      UNION ALL
      SELECT h.alert_id, h.alert_epoch, coalesce(nullif(t.eventID, ''), t.record), h.subject,
             t.event_epoch - h.alert_epoch, t.eventTime, t.event_epoch, t.eventSource,
             t.eventName, t.awsRegion, t.actor, t.user_name, t.access_key_id, t.sourceIPAddress,
             t.userAgent, t.outcome, t.errorCode, t.readOnly, t.requestParameters, t.resources,
             t.eventID, t.source_file, t.record_index
        FROM hits h CROSS JOIN trail t ON t.rowid = h.rid
      UNION ALL
      SELECT a.alert_id, a.event_epoch, e.k, 'actor', e.event_epoch - a.event_epoch,
             e.eventTime, e.event_epoch, e.eventSource, e.eventName, e.awsRegion, e.actor,
             e.user_name, e.access_key_id, e.sourceIPAddress, e.userAgent, e.outcome,
             e.errorCode, e.readOnly, e.requestParameters, e.resources, e.eventID,
             e.source_file, e.record_index
        FROM alerts a
        JOIN own e ON e.k = a.k
       WHERE a.actor IS NULL OR a.event_epoch IS NULL
    )
   ORDER BY alert_epoch, alert_id, event_epoch, event_id, k;

-- The 24-hour window summarised: one row per alert, subject and service, with the event
-- count, failures, first and last time, and the distinct event names, source addresses
-- and resources touched (resource ARNs, bucket names, instance ids), comma-separated.
CREATE TEMP VIEW mfa_alert_scope_24h AS
  WITH w AS MATERIALIZED (
    SELECT alert_id, subject, event_source, event_epoch - offset_seconds AS alert_epoch,
           event_time, event_name, source_address, outcome, request_parameters, resources
      FROM mfa_alert_window_24h
  ), g AS (
    SELECT alert_id, subject, event_source, min(alert_epoch) AS alert_epoch, count(*) AS events,
           sum(outcome = 'failure') AS failures, min(event_time) AS first_time,
           max(event_time) AS last_time
      FROM w GROUP BY alert_id, subject, event_source
  ), touched AS (
    SELECT w.alert_id, w.subject, w.event_source, r.value ->> '$.ARN' AS resource
      FROM w, json_each(CASE WHEN json_valid(w.resources) THEN w.resources ELSE '[]' END) r
    UNION ALL
    SELECT w.alert_id, w.subject, w.event_source, j.value
      FROM w, json_tree(CASE WHEN json_valid(w.request_parameters) THEN w.request_parameters
                             ELSE 'null' END) j
     WHERE j.key IN ('bucketName', 'instanceId') AND j.atom IS NOT NULL
  ), lists AS (
    -- each distinct value once, sorted, so that group_concat lists them in order
    SELECT alert_id, subject, event_source, 1 AS kind, event_name AS v FROM w
    UNION SELECT alert_id, subject, event_source, 2, source_address FROM w
    UNION SELECT alert_id, subject, event_source, 3, resource FROM touched
     WHERE resource IS NOT NULL
    ORDER BY 1, 2, 3, 4, 5
  ), joined AS (
    SELECT alert_id, subject, event_source,
           group_concat(CASE kind WHEN 1 THEN v END, ', ') AS event_names,
           group_concat(CASE kind WHEN 2 THEN v END, ', ') AS source_addresses,
           group_concat(CASE kind WHEN 3 THEN v END, ', ') AS resources
      FROM lists GROUP BY alert_id, subject, event_source
  )
  SELECT g.alert_id, g.subject, g.event_source, g.events, g.failures, g.first_time,
         g.last_time, j.event_names, j.source_addresses, j.resources
    FROM g JOIN joined j USING (alert_id, subject, event_source)
   ORDER BY g.alert_epoch, g.alert_id, g.subject, g.events DESC, g.event_source;

-- "Investigate other alerts associated with the user account during the past 48 hours",
-- with every rule of the pack: for each MFA alert, every alert of detect() over `trail`
-- (pack 2024-04-18, the pack of the built-in rule's text) other than the MFA alert itself,
-- whose event time is in [alert time - 48 h, alert time], by the same user:
--   same_actor         1 when its actor equals the MFA alert's actor (the ARN, else the
--                      principal: the `actor` column; never empty)
--   same_user_account  1 when its user_name and account_id both equal the MFA alert's and
--                      are not NULL or empty (the fields Elastic's alerts are grouped by,
--                      user.name and cloud.account.id)
-- A row appears when either is 1. An alert without an event time is in no window.
-- group_count (threshold rules) and new_terms (new_terms rules) are NULL until detect()
-- has those columns.
CREATE TEMP VIEW mfa_alert_other_alerts_48h AS
  WITH mfa AS MATERIALIZED (
    SELECT alert_id, event_epoch, nullif(actor, '') AS actor, nullif(user_name, '') AS user_name,
           nullif(account_id, '') AS account_id
      FROM mfa_deactivation_alerts
     WHERE event_epoch IS NOT NULL
  ), other AS MATERIALIZED (
    SELECT d.alert_id, d.rule_id, d.rule_name, d.rule_type, d.severity, d.risk_score,
           d.event_time, d.event_epoch, d.event_name, nullif(d.actor, '') AS actor,
           nullif(d.user_name, '') AS user_name, nullif(d.account_id, '') AS account_id,
           d.source_address,
           d.group_count, d.new_terms,
           d.record
      FROM detect('table:trail') d
     WHERE d.pack = '2024-04-18'
       AND d.event_epoch BETWEEN (SELECT min(event_epoch) FROM mfa) - 172800
                             AND (SELECT max(event_epoch) FROM mfa)
  )
  SELECT alert_id, other_alert_id, rule_id, rule_name, rule_type, severity, risk_score,
         event_time, offset_seconds, event_name, actor, user_name, account_id, same_actor,
         same_user_account, source_address, group_count, new_terms, record
    FROM (
      SELECT m.alert_id, m.event_epoch AS alert_epoch, o.alert_id AS other_alert_id,
             o.rule_id, o.rule_name, o.rule_type, o.severity, o.risk_score, o.event_time,
             o.event_epoch, o.event_epoch - m.event_epoch AS offset_seconds, o.event_name,
             o.actor, o.user_name, o.account_id,
             coalesce(o.actor = m.actor, 0) AS same_actor,
             coalesce(o.user_name = m.user_name AND o.account_id = m.account_id, 0)
               AS same_user_account,
             o.source_address, o.group_count, o.new_terms, o.record
        FROM mfa m
        JOIN other o ON o.event_epoch BETWEEN m.event_epoch - 172800 AND m.event_epoch
                    AND o.alert_id <> m.alert_id
                    AND (o.actor = m.actor
                         OR (o.user_name = m.user_name AND o.account_id = m.account_id))
    )
   ORDER BY alert_epoch, alert_id, event_epoch, rule_id, other_alert_id;

-- "... the services and data the account touched", followed to the account really behind a
-- session: for each alert whose credential goes back to an origin (cloudtrail_sessions over
-- `trail`: the IAM user, root, federated subject or service that started the chain), every
-- event signed by any credential of that origin (its long-term keys, and every session
-- issued from them, in any account), from 24 hours before the alert to 24 hours after;
-- `hops` and `link` say how that credential is tied to the origin. Alerts without an origin
-- (the chain leaves the logs) have no rows here. Events that carry no access key (console
-- sign-ins) are not in it. One extra read of `trail` for the credentials.
CREATE TEMP VIEW mfa_alert_window_24h_origin AS
  WITH sess AS MATERIALIZED (
    SELECT access_key_id, origin_arn, origin_type, hops, link
      FROM cloudtrail_sessions('table:trail') WHERE origin_arn IS NOT NULL
  ), alerts AS MATERIALIZED (
    SELECT a.alert_id, a.event_epoch, s.origin_arn, s.origin_type,
           (SELECT imported FROM mfa_trail_imported) AS imported
      FROM mfa_deactivation_alerts a JOIN sess s ON s.access_key_id = a.access_key_id
     WHERE a.event_epoch IS NOT NULL
  ), keys AS MATERIALIZED (
    SELECT * FROM sess WHERE origin_arn IN (SELECT origin_arn FROM alerts)
  ), events AS MATERIALIZED (
    SELECT * FROM (
      SELECT t.access_key_id, t.actor, t.user_name, t.account_id, t.eventTime, t.event_epoch,
             t.eventSource, t.eventName, t.awsRegion, t.sourceIPAddress, t.userAgent,
             t.outcome, t.errorCode, t.readOnly, t.requestParameters, t.resources, t.eventID,
             t.source_file, t.record_index,
             row_number() OVER (PARTITION BY coalesce(nullif(t.eventID, ''), t.record)
                                ORDER BY t.rowid) AS copy
        FROM trail t
       WHERE t.access_key_id IN (SELECT access_key_id FROM keys
                                  WHERE NOT EXISTS (SELECT 1 FROM alerts WHERE imported))
         AND t.event_epoch BETWEEN (SELECT min(event_epoch) FROM alerts) - 86400
                               AND (SELECT max(event_epoch) FROM alerts) + 86400
    ) WHERE copy = 1
  )
  SELECT alert_id, origin_arn, origin_type, subject, offset_seconds, event_time, event_epoch,
         event_source, event_name, aws_region, account_id, actor, user_name, access_key_id,
         hops, link, source_address, user_agent, outcome, error_code, read_only,
         request_parameters, resources, event_id, source_file, record_index
    FROM (
    SELECT a.alert_id, a.origin_arn, a.origin_type, 'origin' AS subject,
           e.event_epoch - a.event_epoch AS offset_seconds, e.eventTime AS event_time,
           e.event_epoch, e.eventSource AS event_source, e.eventName AS event_name,
           e.awsRegion AS aws_region, e.account_id, e.actor, e.user_name, e.access_key_id,
           k.hops, k.link, e.sourceIPAddress AS source_address, e.userAgent AS user_agent,
           e.outcome, e.errorCode AS error_code, e.readOnly AS read_only,
           e.requestParameters AS request_parameters, e.resources, e.eventID AS event_id,
           e.source_file, e.record_index, a.event_epoch AS alert_epoch
      FROM alerts a
      JOIN keys k ON k.origin_arn = a.origin_arn
      JOIN events e ON e.access_key_id = k.access_key_id
                   AND e.event_epoch BETWEEN a.event_epoch - 86400 AND a.event_epoch + 86400
    UNION ALL
    -- an imported table: one row per event already; each key's window through its index,
    -- the wide columns read only for the window's rows
    SELECT a.alert_id, a.origin_arn, a.origin_type, 'origin',
           t.event_epoch - a.event_epoch, t.eventTime, t.event_epoch, t.eventSource,
           t.eventName, t.awsRegion, t.account_id, t.actor, t.user_name, t.access_key_id,
           k.hops, k.link, t.sourceIPAddress, t.userAgent, t.outcome, t.errorCode, t.readOnly,
           t.requestParameters, t.resources, t.eventID, t.source_file, t.record_index,
           a.event_epoch
      FROM alerts a CROSS JOIN keys k CROSS JOIN trail t
     WHERE a.imported AND k.origin_arn = a.origin_arn AND t.access_key_id = k.access_key_id
       AND t.event_epoch BETWEEN a.event_epoch - 86400 AND a.event_epoch + 86400
  )
   ORDER BY alert_epoch, alert_id, event_epoch, event_id;

-- "The investigation views can then say whether their window is fully covered": for each MFA
-- alert and each account and region the digest files cover, whether CloudTrail's digests
-- vouch for every log file delivered while the alert's windows were open. It reads the rows
-- of cloudtrail_digests from a table or view called `trail_digests`, which you create:
--   CREATE TEMP TABLE trail_digests AS SELECT * FROM cloudtrail_digests('cases/acme', 'keys/');
-- The span is the windows' (48 hours before the alert to 24 hours after it), plus one hour
-- for delivery (CloudTrail delivers an event's log file within minutes, without a bound):
--   span_start, span_end    alert time - 48 h, alert time + 25 h (UTC)
--   digests                 digests of that account and region (readable, status ok) whose
--                           [digestStartTime, digestEndTime] meets the span
--   uncovered_seconds       seconds of the span no such digest covers: before the first,
--                           between two (a missing or altered digest leaves its hours
--                           uncovered), after the last
--   covered                 1 when uncovered_seconds is 0
--   logs, ok, missing, altered, unlisted, unverified, other
--                           log files of that account and region whose delivery stamp (in
--                           the file name) is in the span, by status (other: uncovered,
--                           unreadable; a name without a stamp is in no span)
--   files                   the ones not ok: "status s3_object", one per line
-- trails: the trail names of those digests (from their file names). An alert without an event
-- time has no span and no row.
CREATE TEMP VIEW mfa_alert_coverage AS
  WITH alerts AS MATERIALIZED (
    SELECT alert_id, event_time, event_epoch - 172800 AS s0, event_epoch + 90000 AS s1
      FROM mfa_deactivation_alerts WHERE event_epoch IS NOT NULL
  ), listed AS MATERIALIZED (
    SELECT kind, account, region, status, s3_object,
           replace(s3_object, rtrim(s3_object, replace(s3_object, '/', '')), '') AS name,
           unixepoch(start_time) AS ds, unixepoch(end_time) AS de
      FROM trail_digests WHERE account IS NOT NULL AND region IS NOT NULL
  ), digests AS MATERIALIZED (
    -- {account}_CloudTrail-Digest_{region}_{trail}_{region}_{stamp}.json[.gz]
    SELECT account, region, ds, de, status,
           substr(rest, 1, instr(rest, '_' || region || '_') - 1) AS trail
      FROM (SELECT *, substr(name, length(account || '_CloudTrail-Digest_' || region || '_') + 1) AS rest
              FROM listed WHERE kind = 'digest')
  ), logs AS MATERIALIZED (
    -- {account}_CloudTrail_{region}_{YYYYMMDDTHHMMZ}_{16 characters}.json[.gz]
    SELECT account, region, status, s3_object,
           unixepoch(substr(st, 1, 4) || '-' || substr(st, 5, 2) || '-' || substr(st, 7, 2) || 'T'
                     || substr(st, 10, 2) || ':' || substr(st, 12, 2) || ':00Z') AS t
      FROM (SELECT *, substr(name, length(account || '_CloudTrail_' || region || '_') + 1, 14) AS st
              FROM listed WHERE kind = 'log')
  ), places AS (
    SELECT DISTINCT account, region FROM digests
  ), spans AS (
    -- each ok digest clipped to the span, with the latest end of the ones that start before
    SELECT a.alert_id, d.account, d.region, max(d.ds, a.s0) AS s, min(d.de, a.s1) AS e,
           max(min(d.de, a.s1)) OVER (PARTITION BY a.alert_id, d.account, d.region
                                      ORDER BY max(d.ds, a.s0), min(d.de, a.s1)
                                      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_e
      FROM alerts a JOIN digests d ON d.status = 'ok' AND d.de > a.s0 AND d.ds < a.s1
  ), cover AS (
    SELECT alert_id, account, region, count(*) AS n, min(s) AS first_s, max(e) AS last_e,
           total(max(0, s - prev_e)) AS holes
      FROM spans GROUP BY alert_id, account, region
  ), tally AS (
    SELECT a.alert_id, l.account, l.region, count(*) AS logs,
           count(*) FILTER (WHERE l.status = 'ok') AS ok,
           count(*) FILTER (WHERE l.status = 'missing') AS missing,
           count(*) FILTER (WHERE l.status = 'altered') AS altered,
           count(*) FILTER (WHERE l.status = 'unlisted') AS unlisted,
           count(*) FILTER (WHERE l.status = 'unverified') AS unverified,
           count(*) FILTER (WHERE l.status NOT IN ('ok', 'missing', 'altered', 'unlisted', 'unverified')) AS other,
           group_concat(CASE WHEN l.status <> 'ok' THEN l.status || ' ' || l.s3_object END, char(10)) AS files
      FROM alerts a JOIN logs l ON l.t BETWEEN a.s0 AND a.s1
     GROUP BY a.alert_id, l.account, l.region
  )
  SELECT a.alert_id, a.event_time AS alert_time, p.account, p.region,
         (SELECT group_concat(DISTINCT trail) FROM digests d
           WHERE d.account = p.account AND d.region = p.region) AS trails,
         strftime('%Y-%m-%dT%H:%M:%SZ', a.s0, 'unixepoch') AS span_start,
         strftime('%Y-%m-%dT%H:%M:%SZ', a.s1, 'unixepoch') AS span_end,
         coalesce(c.n, 0) AS digests,
         CAST(CASE WHEN c.n IS NULL THEN a.s1 - a.s0
                   ELSE max(0, c.first_s - a.s0) + c.holes + max(0, a.s1 - c.last_e) END AS INTEGER)
           AS uncovered_seconds,
         c.n IS NOT NULL AND c.first_s <= a.s0 AND c.holes = 0 AND c.last_e >= a.s1 AS covered,
         coalesce(t.logs, 0) AS logs, coalesce(t.ok, 0) AS ok, coalesce(t.missing, 0) AS missing,
         coalesce(t.altered, 0) AS altered, coalesce(t.unlisted, 0) AS unlisted,
         coalesce(t.unverified, 0) AS unverified, coalesce(t.other, 0) AS other, t.files
    FROM alerts a CROSS JOIN places p
    LEFT JOIN cover c ON c.alert_id = a.alert_id AND c.account = p.account AND c.region = p.region
    LEFT JOIN tally t ON t.alert_id = a.alert_id AND t.account = p.account AND t.region = p.region
   ORDER BY a.event_time, a.alert_id, p.account, p.region;
