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
