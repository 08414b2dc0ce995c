-- Derived columns, with Elastic's semantics: user_name falls back to the session issuer
-- for AssumedRole/FederatedUser only; outcome is failure when errorCode or errorMessage
-- is present and not null or empty, and ConsoleLogin's own result wins.
.load @EXT@
.headers on
SELECT record_index AS i, eventName, eventTime, event_epoch, user_type, user_name, account_id,
       actor, outcome, errorCode, errorMessage, target_user, mfa_authenticated AS mfa,
       principal_id, access_key_id, invoked_by, session_issuer_arn, source_identity
  FROM cloudtrail('tests/fixtures/columns/identities.jsonl');
-- types
SELECT typeof(event_epoch), typeof(readOnly), typeof(managementEvent), typeof(mfa_authenticated),
       typeof(record_index), typeof(eventName)
  FROM cloudtrail('tests/fixtures/columns/identities.jsonl') WHERE record_index = 0;
-- readOnly and managementEvent as 0/1, whether JSON booleans or strings
SELECT record_index, readOnly, managementEvent FROM cloudtrail('tests/fixtures/columns/identities.jsonl')
 WHERE record_index IN (0, 2);
-- The identity columns agree with SQLite's own JSON functions on every record of the
-- fixtures and the sample (records: 0 mismatches per column)
CREATE TEMP TABLE t AS SELECT * FROM cloudtrail('tests/fixtures') UNION ALL SELECT * FROM cloudtrail('data');
.headers off
SELECT count(*),
 sum(actor IS NOT coalesce(nullif(CASE json_type(userIdentity,'$.arn') WHEN 'text' THEN userIdentity->>'$.arn' END,''),
                           nullif(CASE json_type(userIdentity,'$.principalId') WHEN 'text' THEN userIdentity->>'$.principalId' END,''),
                           nullif(CASE json_type(userIdentity,'$.invokedBy') WHEN 'text' THEN userIdentity->>'$.invokedBy' END,''))),
 sum(user_type IS NOT nullif(CASE json_type(userIdentity,'$.type') WHEN 'text' THEN userIdentity->>'$.type' END,'')),
 sum(session_issuer_arn IS NOT nullif(CASE json_type(userIdentity,'$.sessionContext.sessionIssuer.arn') WHEN 'text'
                                      THEN userIdentity->>'$.sessionContext.sessionIssuer.arn' END,'')),
 sum(user_name IS NOT coalesce(nullif(CASE json_type(userIdentity,'$.userName') WHEN 'text' THEN userIdentity->>'$.userName' END,''),
      CASE WHEN userIdentity->>'$.type' IN ('AssumedRole','FederatedUser')
           THEN nullif(CASE json_type(userIdentity,'$.sessionContext.sessionIssuer.userName') WHEN 'text'
                       THEN userIdentity->>'$.sessionContext.sessionIssuer.userName' END,'') END)),
 sum(account_id IS NOT coalesce(nullif(CASE json_type(userIdentity,'$.accountId') WHEN 'text' THEN userIdentity->>'$.accountId' END,''),
                                nullif(recipientAccountId, ''))),
 sum(mfa_authenticated IS NOT CASE lower(userIdentity->>'$.sessionContext.attributes.mfaAuthenticated')
                                WHEN 'true' THEN 1 WHEN 'false' THEN 0 WHEN 1 THEN 1 WHEN 0 THEN 0 END)
  FROM t;
