-- A flattened field (aws.cloudtrail.flattened.*) has no values when its root's Java map text
-- is 32766 UTF-16 units or longer (ignore_above of the pipeline's field). ecs.c writes that
-- text out only for a root of at least 512 bytes: shorter ones cannot reach the limit (a
-- number, the one thing that grows, is at most 63 characters). Both sides of the limit,
-- and short roots whose numbers grow.
.load @EXT@
.mode list
CREATE TABLE r(name, rec);
INSERT INTO r VALUES
('under', '{"requestParameters":{"a":"x","b":"' || printf('%.32750c', 'y') || '"}}'),
 ('at',    '{"requestParameters":{"a":"x","b":"' || printf('%.32757c', 'y') || '"}}'),
 ('over',   '{"requestParameters":{"a":"x","b":"' || printf('%.40000c', 'y') || '"}}'),
 ('numbers','{"requestParameters":{"a":1e6,"b":[1e-7,-0.5e300,12345678901234567890]}}'),
 ('short',  '{"requestParameters":{"a":"x"}}');
SELECT name, length(ecs_field('aws.cloudtrail.request_parameters', rec)),
       ecs_field('aws.cloudtrail.flattened.request_parameters.a', rec),
       ecs_field('aws.cloudtrail.flattened.request_parameters.b', rec) IS NOT NULL
  FROM r ORDER BY rowid;
SELECT ecs_field('aws.cloudtrail.flattened.request_parameters.b', rec) FROM r WHERE name = 'numbers';
