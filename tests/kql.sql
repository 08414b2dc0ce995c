-- KQL (kql.c) through kql_match(query, record_json): each construct of the grammar,
-- precedence, case sensitivity, wildcards, exists, ranges, escapes, and compile errors
-- (with their offsets or the field's reason).
.load @EXT@
.mode list
.bail off
CREATE TEMP TABLE r(name, rec);
INSERT INTO r VALUES
 ('mfa',  '{"eventSource":"iam.amazonaws.com","eventName":"DeactivateMFADevice","userAgent":"aws-cli/2.0 Terraform","sourceIPAddress":"10.1.2.3","eventTime":"2024-05-01T10:00:00Z","requestParameters":{"userName":"Alice","serialNumber":"arn:aws:iam::1:mfa/Alice"},"userIdentity":{"type":"IAMUser","userName":"Bob"}}'),
 ('fail', '{"eventSource":"iam.amazonaws.com","eventName":"DeactivateMFADevice","errorCode":"AccessDenied","sourceIPAddress":"iam.amazonaws.com","eventTime":"2024-05-02T10:00:00Z"}'),
 ('saml', '{"eventSource":"sts.amazonaws.com","eventName":"AssumeRoleWithSAML","requestParameters":{"x-amz-acl":["private","public-read"],"items":[{"p":22},{"p":3389}],"flag":true},"readOnly":false}'),
 ('spc',  '{"eventName":"Create Cache Security Group","userAgent":"a \"quoted\" * star\\back","errorMessage":""}');
CREATE TEMP TABLE q(query);
INSERT INTO q VALUES
 ('event.action:DeactivateMFADevice'),
 ('event.action:deactivatemfadevice'),
 ('event.action:"DeactivateMFADevice"'),
 ('event.action:Assumerolewithsaml'),
 ('event.action:AssumeRoleWithSAML'),
 ('event.action:(DeactivateMFADevice or AssumeRoleWithSAML) and event.outcome:success'),
 ('event.action:Deactivate*'),
 ('event.action:*MFA*'),
 ('event.action:"Deactivate*"'),
 ('event.action:*'),
 ('user.target.name:*'),
 ('not user.target.name:*'),
 ('event.outcome:failure'),
 ('event.provider:iam.amazonaws.com AND NOT event.outcome:failure'),
 ('event.outcome:failure or event.action:AssumeRoleWithSAML and event.outcome:success'),
 ('(event.outcome:failure or event.action:AssumeRoleWithSAML) and event.outcome:success'),
 ('not event.outcome:failure and event.provider:iam.amazonaws.com'),
 ('not (event.outcome:failure and event.provider:iam.amazonaws.com)'),
 ('event.action:(Deactivate* and not *MFA*)'),
 ('event.action:(* and not (Deactivate* or Assume*))'),
 ('event.action:Create Cache Security Group'),
 ('event.action:"Create Cache Security Group"'),
 ('user_agent.original:*Terraform*'),
 ('user_agent.original:*terraform*'),
 ('user_agent.original:"a \"quoted\" * star\\back"'),
 ('user_agent.original:a \"quoted\" \* star\\back'),
 ('user_agent.original:a*star*'),
 ('aws.cloudtrail.error_message:*'),
 ('aws.cloudtrail.flattened.request_parameters.x-amz-acl:"public-read"'),
 ('aws.cloudtrail.flattened.request_parameters.items.p:(21 or 22)'),
 ('aws.cloudtrail.flattened.request_parameters.flag:true'),
 ('aws.cloudtrail.flattened.request_parameters:private'),
 ('aws.cloudtrail.request_parameters:*userName=Alice*'),
 ('aws.cloudtrail.read_only:false'),
 ('source.ip:*'),
 ('source.ip:10.0.0.0/8'),
 ('source.ip:"10.1.2.3"'),
 ('source.address:iam.amazonaws.com'),
 ('@timestamp >= "2024-05-02T00:00:00Z"'),
 ('@timestamp < 2024-05-02'),
 ('event.action > D and event.action <= E'),
 ('user.name:Bob and user.target.name:Alice'),
 ('event.dataset:aws.cloudtrail and data_stream.dataset:"aws.cloudtrail"'),
 ('   '),
 ('event.action:\or'),
 ('event.action:\u0044eactivateMFADevice');
SELECT printf('%-90s', query) || ' ' ||
       coalesce((SELECT group_concat(name, ',') FROM r WHERE kql_match(q.query, r.rec)), '(none)') FROM q;
-- errors: syntax (with the offset) and fields
SELECT kql_match('event.action:(a or b', '{}');
SELECT kql_match('event.action:a or ', '{}');
SELECT kql_match('EVENT.ACTION:DeactivateMFADevice', '{}');
SELECT kql_match('event.action:a)', '{}');
SELECT kql_match('DeactivateMFADevice', '{}');
SELECT kql_match('event.action:"unterminated', '{}');
SELECT kql_match('event.action:a\b', '{}');
SELECT kql_match('event.acton:DeactivateMFADevice', '{}');
SELECT kql_match('source.as.organization.name:Amazon*', '{}');
SELECT kql_match('source.geo.country_iso_code:US', '{}');
SELECT kql_match('user_agent.os.name:Windows', '{}');
SELECT kql_match('related.entity:x', '{}');
SELECT kql_match('user_agent.original.text:x', '{}');
SELECT kql_match('event.action:{a:b}', '{}');
SELECT kql_match('event.*:x', '{}');
SELECT kql_match('source.ip:notanip', '{}');
SELECT kql_match('@timestamp > yesterday', '{}');
SELECT kql_match('aws.cloudtrail.read_only:yes', '{}');
SELECT kql_match('aws.cloudtrail.read_only:tr*', '{}');
SELECT kql_match('event.action:x', '[1]');
SELECT kql_match('event.action:x', NULL) IS NULL;
SELECT ecs_field('aws.cloudtrail.request_parameters', rec) FROM r WHERE name IN ('mfa','saml');
SELECT ecs_field('aws.cloudtrail.flattened.request_parameters', rec) FROM r WHERE name='saml';
