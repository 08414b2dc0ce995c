-- user_agent.name (ext/useragent.c): the browser names it proves, NULL for every other
-- string (not one of the names), and the queries kql_compile refuses. Runs without network;
-- tests/user_agent.sh checks the same function against uap-core's own expressions.
.load @EXT@
.mode list
.nullvalue NULL
CREATE TABLE ua(note, s);
INSERT INTO ua VALUES
 ('Chrome on macOS', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36'),
 ('Chrome in [ ] (console via S3)', '[Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36]'),
 ('Edge (Chromium)', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36 Edg/123.0.2420.65'),
 ('Opera', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36 OPR/109.0.0.0'),
 ('Firefox on Ubuntu', 'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:124.0) Gecko/20100101 Firefox/124.0'),
 ('Safari on macOS', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15'),
 ('Chrome Mobile (Android)', 'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.6312.99 Mobile Safari/537.36'),
 ('Mobile Safari (iPhone)', 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1'),
 ('HeadlessChrome', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/123.0.6312.58 Safari/537.36'),
 ('Electron', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Electron/28.2.0 Chrome/120.0.6099.227 Safari/537.36'),
 ('Vivaldi', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36 Vivaldi/6.6.3271.61'),
 ('Samsung Internet', 'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36'),
 ('Googlebot', 'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; Googlebot/2.1; +http://www.google.com/bot.html) Chrome/123.0.6312.58 Safari/537.36'),
 ('AWS CLI', 'aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0-1016-aws exe/x86_64.ubuntu.22 prompt/off command/secretsmanager.get-secret-value'),
 ('AWS SDK for JavaScript in a browser', 'aws-sdk-js/3.540.0 ua/2.1 os/Windows_NT#10.0 lang/js md/browser#Chrome_123.0.0.0 api/secrets-manager#3.540.0'),
 ('console', 'console.amazonaws.com'),
 ('Firefox alpha (uap-core: Firefox Alpha)', 'Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0a1');
SELECT note || ': ' || coalesce(ecs_field('user_agent.name', json_object('eventName', 'x', 'userAgent', s)), 'NULL') FROM ua;
-- no userAgent, or an empty one (dropped as empty): no value
SELECT 'absent: ' || coalesce(ecs_field('user_agent.name', '{"eventName":"x"}'), 'NULL');
SELECT 'empty: ' || coalesce(ecs_field('user_agent.name', '{"eventName":"x","userAgent":""}'), 'NULL');
-- the 2024-04-18 rule's clause: true for every string not named (aws-cli, Chrome Mobile ...)
SELECT note || ': ' || kql_match('not user_agent.name: ("Chrome" or "Firefox" or "Safari" or "Edge" or "Brave" or "Opera")',
                                 json_object('eventName', 'x', 'userAgent', s)) FROM ua;
-- refused: values outside the list, exists, wildcards, ranges
SELECT kql_match('user_agent.name:"Chrome Mobile"', '{}');
SELECT kql_match('user_agent.name:Other', '{}');
SELECT kql_match('user_agent.name:chrome', '{}');
SELECT kql_match('user_agent.name:*', '{}');
SELECT kql_match('user_agent.name:Chr*', '{}');
SELECT kql_match('user_agent.name >= Chrome', '{}');
-- other user_agent.* fields stay refused
SELECT kql_match('user_agent.os.name:Windows', '{}');
-- the rule is supported
SELECT supported, unsupported_reason FROM cloudtrail_rules
 WHERE pack = '2024-04-18' AND name = 'First Time Seen AWS Secret Value Accessed in Secrets Manager';
