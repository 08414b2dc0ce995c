-- cloudtrail_involves(record, identities): an event of one of the identities, as the
-- investigation windows ask for it (tests/twins.sh compares it, pushed and called, with the
-- OR of IN lists it stands for over every corpus).
.load @EXT@
SELECT writefile('build/tmp/involves.jsonl',
  '{"eventName":"A","eventID":"1","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/alice","userName":"alice","accountId":"111122223333"}}' || char(10) ||
  '{"eventName":"B","eventID":"2","userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::111122223333:assumed-role/R/alice","accountId":"111122223333","sessionContext":{"sessionIssuer":{"userName":"R"}}}}' || char(10) ||
  '{"eventName":"C","eventID":"3","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::444455556666:user/alice","userName":"alice","accountId":"444455556666"}}' || char(10) ||
  '{"eventName":"D","eventID":"4","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/bob","userName":"bob","accountId":"111122223333"}}' || char(10) ||
  '{"eventName":"E","eventID":"5","userIdentity":{"type":"IAMUser","userName":"\u0061lice","accountId":"111122223333"}}') > 0;
.print '-- by actor; by IAM user (name and account, escapes decoded); both; nothing'
SELECT group_concat(eventName) FROM cloudtrail('build/tmp/involves.jsonl') t
 WHERE cloudtrail_involves(t.record, '{"actor":["arn:aws:sts::111122223333:assumed-role/R/alice"]}');
SELECT group_concat(eventName) FROM cloudtrail('build/tmp/involves.jsonl') t
 WHERE cloudtrail_involves(t.record, '{"iam_user":[["alice","111122223333"]]}');
SELECT group_concat(eventName) FROM cloudtrail('build/tmp/involves.jsonl') t
 WHERE cloudtrail_involves(t.record, '{"actor":["arn:aws:iam::111122223333:user/bob"],"iam_user":[["alice","444455556666"]]}');
SELECT count(*) FROM cloudtrail('build/tmp/involves.jsonl') t
 WHERE cloudtrail_involves(t.record, '{"actor":[null],"iam_user":[[null,"111122223333"],["alice",null]]}');
SELECT count(*) FROM cloudtrail('build/tmp/involves.jsonl') t WHERE cloudtrail_involves(t.record, '{}');
.print '-- pushed to the reader (the plan names it), and the same rows when SQLite calls it'
EXPLAIN QUERY PLAN SELECT * FROM cloudtrail('build/tmp/involves.jsonl') t
 WHERE cloudtrail_involves(t.record, '{"iam_user":[["alice","111122223333"]]}');
SELECT group_concat(eventName) FROM cloudtrail('build/tmp/involves.jsonl') t
 WHERE cloudtrail_involves(+t.record, '{"iam_user":[["alice","111122223333"]]}');
CREATE TEMP TABLE copy AS SELECT * FROM cloudtrail('build/tmp/involves.jsonl');
SELECT group_concat(eventName) FROM copy t
 WHERE cloudtrail_involves(t.record, '{"iam_user":[["alice","111122223333"]]}');
.print '-- values: NULL record, text that is not one record'
SELECT quote(cloudtrail_involves(NULL, '{}')), cloudtrail_involves('[1]', '{}'),
       cloudtrail_involves('{"a":1} {"b":2}', '{}'), cloudtrail_involves('{"userIdentity":{"arn":"x"}}', '{"actor":["x"]}');
.print '-- errors'
SELECT cloudtrail_involves('{}', 'x');
SELECT cloudtrail_involves('{}', 5);
SELECT cloudtrail_involves('{}', '[]');
SELECT cloudtrail_involves('{}', '{"actors":[]}');
SELECT cloudtrail_involves('{}', '{"actor":"x"}');
SELECT cloudtrail_involves('{}', '{"actor":[1]}');
SELECT cloudtrail_involves('{}', '{"iam_user":[["a"]]}');
SELECT cloudtrail_involves('{}', '{"iam_user":[["a",{}]]}');
SELECT count(*) FROM cloudtrail('build/tmp/involves.jsonl') t WHERE cloudtrail_involves(t.record, '{"actor":[2]}');
