-- The shortcuts of KQL evaluation give the answers of the plain path (kql.c, ecs.c):
-- a raw JSON string read in place (ecs.c) against escapes, non-ASCII, "", ignore_above,
-- duplicate keys and non-string values; leaves on constant fields folded at compile time;
-- an OR of exact values on one field as one sorted set; wildcard patterns compiled to a
-- prefix / suffix / substring test. Every line was produced by the build before these
-- shortcuts existed, but the last query's: kql_plan(), the tree as evaluated (operands in
-- evaluation order with their estimated cost).
.load @EXT@
.mode list
.bail off
CREATE TEMP TABLE r(name, rec);
INSERT INTO r VALUES
 ('plain',  '{"eventName":"DeactivateMFADevice","awsRegion":"us-east-1","sourceIPAddress":"10.1.2.3","userAgent":"aws-cli/2.0 S3 Browser x","eventSource":"iam.amazonaws.com","userIdentity":{"type":"IAMUser","userName":"Bob","accessKeyId":"AKIAXYZ"},"requestParameters":{"userName":"Alice","items":[{"p":22},{"p":3389}]}}'),
 ('escaped','{"eventName":"Deactivate\u004dFADevice","awsRegion":"us-\"east\"-1","sourceIPAddress":"10.1.2.\u0033","userAgent":"a\\b*c","eventSource":"iam.amazonaws.com"}'),
 ('nonascii','{"eventName":"Désactiver","awsRegion":"eu-west-1","sourceIPAddress":"fe80::1","userAgent":"Mozilla ☃ S3 Browser"}'),
 ('empty',  '{"eventName":"","awsRegion":"","sourceIPAddress":"","userAgent":"","eventSource":""}'),
 ('dup',    '{"eventName":"CreateUser","eventName":"DeleteUser","awsRegion":"a","awsRegion":"","sourceIPAddress":"10.0.0.1","sourceIPAddress":"iam.amazonaws.com"}'),
 ('types',  '{"eventName":12,"awsRegion":["us-east-1","eu-west-1"],"sourceIPAddress":10,"userAgent":{"x":1},"eventSource":true,"errorCode":1.50}'),
 ('ctrl',   '{"eventName":"Tab	Here","awsRegion":"x\ty","userAgent":"  padded  "}'),
 ('long',   '{"eventName":"L","userAgent":"' || printf('%.1024c', 'a') || '","awsRegion":"' || printf('%.1025c', 'b') || '","errorMessage":"' || printf('%.1024c', 'é') || '"}'),
 ('ip6',    '{"eventName":"I","sourceIPAddress":"::ffff:10.1.2.3","awsRegion":" us-east-1"}'),
 ('dupnest','{"eventName":"N","requestParameters":{"userName":"A","x":{"userName":"C"},"userName":"B"},"userIdentity":{"type":"AssumedRole","sessionContext":{"sessionIssuer":{"arn":"arn:1","arn":"arn:2"}},"sessionContext":{"sessionIssuer":{"arn":"arn:3"}}}}'),
 ('esckey', '{"eventName":"E","requestParameters":{"user\u004eame":"E","a.b":{"c":1},"a":{"b.c":2,"b":{"c":3}},"é":{"x":4}}}'),
 ('login',  '{"eventName":"ConsoleLogin","responseElements":{"ConsoleLogin":"Failure"},"errorMessage":"Failed authentication"}'),
 ('login2', '{"eventName":"Console\u004cogin","responseElements":{"ConsoleLogin":"Success"}}'),
 ('errmsg', '{"eventName":"E2","errorCode":"","errorMessage":"denied"}'),
 ('errnull','{"eventName":"E3","errorCode":null,"errorMessage":[]}'),
 ('nest',   '{"eventName":"N","requestParameters":{"userName":"A","x":{"userName":"C"}},"userIdentity":{"type":"AssumedRole","sessionContext":{"sessionIssuer":{"arn":"arn:1","type":"Role"}}}}');
-- the values ecs.c gives, field by field (length for the long ones)
CREATE TEMP TABLE f(field);
INSERT INTO f VALUES ('event.action'), ('cloud.region'), ('source.ip'), ('source.address'),
 ('user_agent.original'), ('event.provider'), ('aws.cloudtrail.error_code'),
 ('aws.cloudtrail.error_message'), ('user.name'), ('aws.cloudtrail.user_identity.access_key_id'),
 ('event.dataset'), ('event.kind'), ('event.outcome'), ('user.target.name'),
 ('aws.cloudtrail.user_identity.session_context.session_issuer.arn'),
 ('aws.cloudtrail.flattened.request_parameters.userName'),
 ('aws.cloudtrail.flattened.request_parameters.a.b.c'),
 ('aws.cloudtrail.flattened.request_parameters.é.x'),
 ('aws.cloudtrail.flattened.request_parameters');
SELECT name || ' ' || field || ' ' ||
       coalesce(CASE WHEN length(v)>80 THEN 'length ' || length(v) ELSE v END, 'NULL')
  FROM (SELECT name, field, ecs_field(field, rec) AS v FROM r, f) ORDER BY name, field;
CREATE TEMP TABLE q(query);
INSERT INTO q VALUES
 -- constant fields
 ('event.dataset:aws.cloudtrail'),
 ('event.dataset:other'),
 ('data_stream.dataset:"aws.cloudtrail" and event.action:DeactivateMFADevice'),
 ('not event.module:aws'),
 ('event.kind:ev* and event.module:*'),
 ('event.kind:*x*'),
 ('data_stream.dataset > aws and data_stream.dataset <= aws.cloudtrail'),
 ('event.dataset:nope or event.action:DeactivateMFADevice'),
 ('event.dataset:aws.cloudtrail or event.action:nothing'),
 ('not (event.dataset:nope and event.action:DeactivateMFADevice)'),
 ('event.module:(aws or gcp) and not event.kind:(alert or signal)'),
 -- sets of exact values
 ('event.action:(CreateUser or DeleteUser or DeactivateMFADevice)'),
 ('event.action:DeleteUser or event.action:L or event.action:I'),
 ('event.action:(I or Deact* or L)'),
 ('event.action:DeleteUser or event.provider:iam.amazonaws.com or event.action:L'),
 ('not event.action:(CreateUser or DeleteUser or DeactivateMFADevice or "")'),
 ('event.action:(L or L or "")'),
 ('cloud.region:(us-east-1 or eu-west-1 or zz)'),
 ('cloud.region:("us-\"east\"-1" or "x\ty")'),
 ('event.action:("Tab\tHere" or Désactiver)'),
 ('aws.cloudtrail.flattened.request_parameters.items.p:(21 or 22 or 23)'),
 ('related.user:(Zed or Alice)'),
 ('event.action:(12 or x) and cloud.region:(eu-west-1 or q)'),
 ('source.address:(10 or "10.0.0.1" or "iam.amazonaws.com")'),
 ('user.name:(Bob or Carol) and event.action:(DeactivateMFADevice or x) and not event.provider:(a or b)'),
 -- wildcards
 ('user_agent.original:*S3 Browser*'),
 ('user_agent.original:*s3 browser*'),
 ('user_agent.original:aws-cli*'),
 ('user_agent.original:*x'),
 ('user_agent.original:aws*x'),
 ('user_agent.original:aws*S3*x'),
 ('user_agent.original:**Browser**'),
 ('user_agent.original:*\**'),
 ('user_agent.original:a\\b\**'),
 ('user_agent.original:*\\*'),
 ('user_agent.original:*a*a*a*'),
 ('user_agent.original:*padded*'),
 ('user_agent.original:"  padded  "'),
 ('user_agent.original:*Mozilla ☃*'),
 ('aws.cloudtrail.user_identity.access_key_id:AKIA*'),
 ('event.action:Deactivate*Device'),
 ('event.action:Deactivate*eDevice*'),
 ('event.action:*Device*Device'),
 ('event.action:DeactivateMFADevice*'),
 ('event.action:*DeactivateMFADevice'),
 ('event.action:*L*'),
 ('cloud.region:*-1'),
 ('cloud.region:b*'),
 ('aws.cloudtrail.error_message:é*'),
 ('user.target.name:(A or B) and aws.cloudtrail.user_identity.session_context.session_issuer.arn:arn*'),
 ('aws.cloudtrail.user_identity.session_context.session_issuer.arn:("arn:1" or "arn:3")'),
 ('aws.cloudtrail.flattened.request_parameters.userName:(A or B or C)'),
 -- ip
 ('source.ip:10.0.0.0/8'),
 ('source.ip:"10.1.2.3"'),
 ('source.ip:*'),
 ('source.ip:"::1" or source.ip:"fe80::/16"'),
 ('source.ip:("10.1.2.3" or "10.0.0.1")');
SELECT printf('%-90s', query) || ' ' ||
       coalesce((SELECT group_concat(name, ',') FROM r WHERE kql_match(q.query, r.rec)), '(none)') FROM q;
SELECT query || ' -> ' || coalesce(kql_key(query), 'NULL') FROM q;
SELECT query || char(10) || '  => ' || kql_plan(query) FROM q;
