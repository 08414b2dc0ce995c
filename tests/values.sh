# Values as the columns show them, and everything that must agree with the columns
# (issue 8): identity decoded strictly from the bytes; the last of duplicated keys at any
# depth; values of every JSON type; Elastic's recursive drop-empty (outcome and the rule);
# every date-time form SQLite accepts in event_epoch; pushed-down constraints on values
# that are not JSON strings, each checked against its +column twin (no pushdown); a record
# that only exceeds SQLite's length limit once repaired. Fixtures are written here.
d=build/tmp/values
rm -rf $d && mkdir -p $d/ident $d/rule $d/times $d/types $d/big

# --- identity: one record per line (NDJSON) ------------------------------------------------
# 0: a key "arn\u0000" (not "arn") written before the real arn; 1: a lone surrogate in one
# value; 2: duplicated keys at every depth (the last wins); 3: the last arn is "" (dropped,
# so actor falls back to principalId); 4: values that are not strings; 5: a userName that
# drop-empty removes ({"a":[null,""]}), so the session issuer's name stands in.
cat >$d/ident/ident.jsonl <<'J'
{"eventTime":"2026-03-03T12:00:00Z","eventName":"GetUser","eventSource":"iam.amazonaws.com","userIdentity":{"type":"IAMUser","arn\u0000":"arn:aws:iam::111122223333:user/mallory","arn":"arn:aws:iam::111122223333:user/alice","userName":"alice","accountId":"111122223333"}}
{"eventTime":"2026-03-03T12:00:01Z","eventName":"GetUser","eventSource":"iam.amazonaws.com","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/bob","userName":"bob","principalId":"AIDA\ud800X","accessKeyId":"AKIA1","accountId":"111122223333"}}
{"eventTime":"2026-03-03T12:00:02Z","eventName":"GetUser","eventSource":"iam.amazonaws.com","userIdentity":{"type":"IAMUser","type":"AssumedRole","arn":"a-first","arn":"a-last","sessionContext":{"sessionIssuer":{"arn":"i-first"}},"sessionContext":{"sessionIssuer":{"userName":"n-first","userName":"n-last","arn":"i-first","arn":"i-last"},"attributes":{"mfaAuthenticated":"false","mfaAuthenticated":"true"}}}}
{"eventTime":"2026-03-03T12:00:03Z","eventName":"GetUser","eventSource":"iam.amazonaws.com","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/carol","principalId":"AIDACAROL","arn":""}}
{"eventTime":"2026-03-03T12:00:04Z","eventName":"GetUser","eventSource":"iam.amazonaws.com","userIdentity":{"type":true,"arn":["a","b"],"principalId":{"p":1},"userName":123,"accessKeyId":false,"invokedBy":1.5e3,"accountId":111122223333,"sourceIdentity":{"a":null},"sessionContext":{"attributes":{"mfaAuthenticated":1}}}}
{"eventTime":"2026-03-03T12:00:05Z","eventName":"GetUser","eventSource":"iam.amazonaws.com","userIdentity":{"type":"AssumedRole","userName":{"a":[null,""]},"sessionContext":{"sessionIssuer":{"userName":"Deployer"}}}}
J

# --- the rule and outcome: errorCode / errorMessage Elastic's drop-empty removes, or not -----
i=0
for v in '"errorCode":{"a":null}' '"errorCode":[""]' '"errorCode":[[],{}]' '"errorCode":{"a":{"b":""}}' \
         '"errorCode":[null]' '"errorMessage":{"m":[]}' '"errorCode":{"a":"x","a":null}' \
         '"errorCode":[0]' '"errorCode":{"a":false}' '"errorCode":" "' '"errorCode":"-"' \
         '"errorCode":{"a":null,"a":"x"}' '"errorCode":null' '"errorCode":{}'; do
  printf '{"eventTime":"2026-03-03T13:00:%02dZ","eventSource":"iam.amazonaws.com","eventName":"DeactivateMFADevice","eventID":"r%d",%s,"userIdentity":{"arn":"arn:aws:iam::111122223333:user/u%d"}}\n' $i $i "$v" $i
  i=$((i+1))
done >$d/rule/rule.jsonl

# --- event times: every form SQLite's date functions accept, and some they do not -----------
i=0
for t in '2026-03-03T12:00:00\u005a' '2026-03-03T12:00Z' '2026-03-03' '2026-03-03 12:00:00' \
         '2026-03-03T12:00:00.999+01:00' '2026-03-03T12:00:00.9996Z' '2026-03-03 12:00 -05:30 ' \
         '2026-02-30T00:00:00Z' '2026-03-03T24:00Z' '2026-03-03TT12:00' '\u0032026-03-03T12:00Z' \
         '2026-03-03T12:00:00.123' '-0001-01-01' '2026-03-03T12:00:60Z' '2026-03-03t12:00:00+0100' \
         '2026-03-03T12Z' '2026-3-3' '2026-03-03Z' '2026-03-03T12:00:00 +15:00' ' 2026-03-03' 'yesterday'; do
  printf '{"eventTime":"%s","eventSource":"iam.amazonaws.com","eventName":"DeactivateMFADevice","eventID":"t%d"}\n' "$t" $i
  i=$((i+1))
done >$d/times/times.jsonl

# --- values that are not JSON strings, one file each, never written as a quoted string -----
w(){ printf '{"Records":[{"eventTime":%s,"eventSource":%s,"eventName":"Types","awsRegion":%s,"recipientAccountId":%s,"eventID":%s,"userIdentity":%s}]}\n' "$2" "$3" "$4" "$5" "$6" "$7" >$d/types/$1.json; }
w a '"2026-03-03T12:00:00Z"' '7' 'true' '111122223333' '42' '{"arn":123,"userName":456,"accountId":444455556666}'
w b '20260303' '{"s":1}' '1' '111122223334' '{"id": 1}' '{"arn":true,"userName":false}'
w c 'true' 'false' '{"r":1}' '-0.5e3' 'null' '{"principalId":{"p":[1,2]},"type":"AssumedRole","sessionContext":{"sessionIssuer":{"userName":789}}}'
w d '"2026-03-03T12:00:00\u005a"' '"iam.amazonaws.com"' '["us-east-1"]' '1e2' 'false' '{"arn":"AIDA\ud800X"}'

# --- a record short enough as stored, too long for SQLite once its 3000 control bytes are
# escaped (6 bytes each), and an ordinary record after it
{ printf '{"Records":[{"eventTime":"2026-03-03T12:00:00Z","eventName":"TooLong","eventSource":"x","userAgent":"'
  i=0; while [ $i -lt 3000 ]; do printf '\001'; i=$((i+1)); done
  printf '"},{"eventTime":"2026-03-03T12:00:01Z","eventName":"Fine","eventSource":"x"}]}\n'; } >$d/big/big.json

sqlite3 :memory: <<SQL
.load $EXT
.headers on
.nullvalue NULL
.print '-- identity columns, decoded from the bytes'
SELECT record_index AS i, user_type, user_arn, principal_id, access_key_id, invoked_by,
       session_issuer_arn, source_identity, mfa_authenticated, user_name, account_id, actor
  FROM cloudtrail('$d/ident');
.print '-- the lone surrogate is U+FFFD in that value only'
SELECT record_index AS i, hex(principal_id) FROM cloudtrail('$d/ident') WHERE record_index = 1;
.print "-- outcome and the rule follow Elastic's recursive drop-empty"
SELECT eventID, errorCode, errorMessage, outcome FROM cloudtrail('$d/rule');
SELECT event_id, actor FROM detect_mfa_deactivation('$d/rule');
.print "-- event_epoch: every form SQLite's date functions accept, as unixepoch() reads it"
SELECT eventID, quote(eventTime) AS eventTime, event_epoch, unixepoch(eventTime) AS sqlite,
       event_epoch IS unixepoch(eventTime) AS same  -- 0: a form we accept beyond SQLite's
  FROM cloudtrail('$d/times');
.print '-- since and until bound the rule by the same times, and accept the same forms'
SELECT count(*) FROM detect_mfa_deactivation('$d/times', '2026-03-03', '2026-03-03 23:59:59');
SELECT count(*) FROM detect_mfa_deactivation('$d/times', '2026-03-03T12:00', '2026-03-03T12:00:00Z');
.print '-- values that are not strings show their JSON text'
SELECT source_file, eventTime, eventSource, awsRegion, recipientAccountId, eventID, user_name, account_id, actor
  FROM cloudtrail('$d/types');
.print '-- pushed constraints keep exactly the rows of their +column twins (no pushdown)'
-- (A number compared with +column is compared without the column's TEXT affinity, so it
-- never equals the text: those twins read the table through a subquery with LIMIT -1,
-- which SQLite does not push a WHERE into, instead.)
.headers off
CREATE TEMP TABLE q(name, path, cond, twin);
INSERT INTO q VALUES
 ('eventSource = 7', 'types', 'eventSource = ''7''', '+eventSource = ''7'''),
 ('eventSource IN object', 'types', 'eventSource IN (''{"s":1}'', ''x'')', '+eventSource IN (''{"s":1}'', ''x'')'),
 ('eventSource = false', 'types', 'eventSource = ''false''', '+eventSource = ''false'''),
 ('awsRegion = true', 'types', 'awsRegion = ''true''', '+awsRegion = ''true'''),
 ('awsRegion = 1 (integer)', 'types', 'awsRegion = 1', 'sub:awsRegion = 1'),
 ('awsRegion = object', 'types', 'awsRegion = ''{"r":1}''', '+awsRegion = ''{"r":1}'''),
 ('awsRegion = array', 'types', 'awsRegion = ''["us-east-1"]''', '+awsRegion = ''["us-east-1"]'''),
 ('recipientAccountId =', 'types', 'recipientAccountId = ''111122223333''', '+recipientAccountId = ''111122223333'''),
 ('recipientAccountId IN', 'types', 'recipientAccountId IN (111122223334, ''-0.5e3'', ''1e2'')', 'sub:recipientAccountId IN (111122223334, ''-0.5e3'', ''1e2'')'),
 ('eventID = 42', 'types', 'eventID = ''42''', '+eventID = ''42'''),
 ('eventID = object', 'types', 'eventID = ''{"id": 1}''', '+eventID = ''{"id": 1}'''),
 ('eventID = false', 'types', 'eventID = ''false''', '+eventID = ''false'''),
 ('eventName =', 'types', 'eventName = ''Types''', '+eventName = ''Types'''),
 ('account_id = number', 'types', 'account_id = ''444455556666''', '+account_id = ''444455556666'''),
 ('account_id = fallback', 'types', 'account_id IN (''111122223334'', ''-0.5e3'')', '+account_id IN (''111122223334'', ''-0.5e3'')'),
 ('actor = 123', 'types', 'actor = ''123''', '+actor = ''123'''),
 ('actor = true', 'types', 'actor = ''true''', '+actor = ''true'''),
 ('actor = object', 'types', 'actor = ''{"p":[1,2]}''', '+actor = ''{"p":[1,2]}'''),
 ('actor = U+FFFD', 'types', 'actor = ''AIDA'' || char(65533) || ''X''', '+actor = ''AIDA'' || char(65533) || ''X'''),
 ('user_name = 456', 'types', 'user_name = 456', 'sub:user_name = 456'),
 ('user_name IN', 'types', 'user_name IN (''false'', ''789'')', '+user_name IN (''false'', ''789'')'),
 ('eventTime > text', 'types', 'eventTime > ''2''', '+eventTime > ''2'''),
 ('eventTime range', 'types', 'eventTime >= ''2026'' AND eventTime <= ''2026-03-03T12:00:00Z''', '+eventTime >= ''2026'' AND +eventTime <= ''2026-03-03T12:00:00Z'''),
 ('eventTime >= true', 'types', 'eventTime >= ''true''', '+eventTime >= ''true'''),
 ('event_epoch =', 'types', 'event_epoch = 1772539200', '+event_epoch = 1772539200'),
 ('actor = mallory', 'ident', 'actor = ''arn:aws:iam::111122223333:user/mallory''', '+actor = ''arn:aws:iam::111122223333:user/mallory'''),
 ('actor = alice', 'ident', 'actor = ''arn:aws:iam::111122223333:user/alice''', '+actor = ''arn:aws:iam::111122223333:user/alice'''),
 ('actor = a-last', 'ident', 'actor IN (''a-first'', ''a-last'')', '+actor IN (''a-first'', ''a-last'')'),
 ('user_name = n-last', 'ident', 'user_name IN (''n-first'', ''n-last'', ''Deployer'')', '+user_name IN (''n-first'', ''n-last'', ''Deployer'')'),
 ('account_id = number', 'ident', 'account_id = ''111122223333''', '+account_id = ''111122223333'''),
 ('event_epoch range', 'times', 'event_epoch BETWEEN 1772539200 AND 1772582400', '+event_epoch BETWEEN 1772539200 AND 1772582400'),
 ('eventTime range', 'times', 'eventTime BETWEEN ''2026-03-03'' AND ''2026-03-04''', '+eventTime BETWEEN ''2026-03-03'' AND ''2026-03-04''');
CREATE TEMP TABLE result(name, pushed, twin);
.output $d/cmds.sql
SELECT printf('INSERT INTO result SELECT %Q, (SELECT group_concat(k, '' '') FROM (SELECT replace(source_file, ''$d/'', '''') || '':'' || record_index AS k FROM cloudtrail(''$d/%s'') WHERE %s)), '
              || '(SELECT group_concat(k, '' '') FROM (SELECT replace(source_file, ''$d/'', '''') || '':'' || record_index AS k FROM %s WHERE %s));',
              name, path, cond,
              CASE WHEN twin LIKE 'sub:%' THEN printf('(SELECT * FROM cloudtrail(''$d/%s'') LIMIT -1)', path)
                   ELSE printf('cloudtrail(''$d/%s'')', path) END,
              CASE WHEN twin LIKE 'sub:%' THEN substr(twin, 5) ELSE twin END) FROM q;
.output stdout
.read $d/cmds.sql
SELECT name, ifnull(pushed, '(none)'), CASE WHEN pushed IS twin THEN 'same' ELSE 'DIFFERENT: ' || ifnull(twin, '(none)') END FROM result;
.print '-- the constraints above were pushed down'
EXPLAIN QUERY PLAN SELECT * FROM cloudtrail('$d/types') WHERE actor = '1' AND user_name = '2' AND account_id = '3' AND eventTime > '4';
SQL

echo '-- a record too long for SQLite only once repaired is that record'"'"'s problem, not the query'"'"'s'
sqlite3 :memory: <<SQL
.load $EXT
.limit length 5000
SELECT eventName, length(record) FROM cloudtrail('$d/big');
SELECT status, records, error FROM cloudtrail_files('$d/big');
SQL
