# detect(): threshold and new_terms rules replayed offline (README, "Rule types offline"),
# on small fixture files written here, with Elastic's own rules of the vendored packs:
#   2024-04-18 4d50a94f  root console login failures, threshold 10 by cloud.account.id,
#                        from now-20m, interval 5m (default)
#   2024-04-18 ea248a02  UpdateAssumeRolePolicy failures, threshold 25, no group field
#   2026-08-21 5f0234fd  S3 AccessDenied, threshold 1 by 3 fields, cardinality event.id >= 40,
#                        from now-6m, interval 5m
#   2026-08-21 9f8e3c5e  new_terms access_key_id + source.ip, history now-10d
#   2026-08-21 288a198e  new_terms user_identity.arn + resources.arn (an array), now-5d
# A threshold alert's run is shown by finding its alert id among the ids Python computes
# for every (group, run) the README's formula allows. Then, over the sample data, every
# new_terms rule of the 2026 pack against a Python oracle of the definition (counts-free).
# Skips (exit 77) where /usr/bin/python3 is absent.
py=/usr/bin/python3
[ -x $py ] || { echo "no /usr/bin/python3"; exit 77; }
ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0"   # Python itself, under make asan-test
export ASAN_OPTIONS
T=build/tmp/detect_replay
rm -rf $T && mkdir -p $T/root $T/s3 $T/nt $T/roles || exit 1
"$py" - $T <<'PY' || exit 1
import calendar, hashlib, json, sys
T = sys.argv[1]
T0 = calendar.timegm((2026, 3, 10, 0, 0, 0))     # a multiple of 300 (and of 86400)
D = 86400

def iso(t):
    return "%04d-%02d-%02dT%02d:%02d:%02dZ" % __import__("time").gmtime(t)[:6]

def rec(t, eid, source, name, ident, **kw):
    r = {"eventVersion": "1.08", "userIdentity": ident}
    if t is not None:
        r["eventTime"] = iso(t) if isinstance(t, int) else t
    r.update({"eventSource": source, "eventName": name, "awsRegion": "us-east-1",
              "sourceIPAddress": "198.51.100.9", "userAgent": "test-agent"})
    r.update(kw)
    if eid is not None:
        r["eventID"] = eid
    return r

def write(path, records):
    with open(f"{T}/{path}", "w") as f:
        json.dump({"Records": records}, f, indent=1)

# root console login failures, grouped by account
def root(t, eid, acct):
    ident = {"type": "Root", "principalId": acct or "x", "arn": f"arn:aws:iam::{acct}:root"}
    kw = {}
    if acct:
        ident["accountId"] = acct
        kw["recipientAccountId"] = acct
    return rec(t, eid, "signin.amazonaws.com", "ConsoleLogin", ident,
               responseElements={"ConsoleLogin": "Failure"}, eventType="AwsConsoleSignIn", **kw)

A, B, C = "111111111111", "222222222222", "333333333333"
batch1 = [root(T0 + 10*i, "a1-%02d" % i, A) for i in range(1, 10)] + [root(T0 + 400, "a1-10", A)]
batch2 = [root(T0 + 1000 + 10*i, "a2-%02d" % i, A) for i in range(0, 10)]
later = [root(T0 + 1300, "a3-01", A)]
edge_in = [root(T0 + 2400, "b-edge", B)] + \
          [root(T0 + 3350 + 30*i, "b-%02d" % i, B) for i in range(8)] + [root(T0 + 3600, "b-at-run", B)]
edge_out = [root(T0 + 2399, "c-edge", C)] + \
           [root(T0 + 3350 + 30*i, "c-%02d" % i, C) for i in range(8)] + [root(T0 + 3600, "c-at-run", C)] + \
           [root(None, "c-no-time", C), root("yesterday", "c-bad-time", C)]
no_account = [root(T0 + 5000 + 10*i, "n-%02d" % i, None) for i in range(10)]
policy = [rec(T0 + 10*i, "p-%02d" % i, "iam.amazonaws.com", "UpdateAssumeRolePolicy",
              {"type": "IAMUser", "userName": "mallory", "accountId": A},
              errorCode="MalformedPolicyDocumentException", errorMessage="bad")
          for i in range(1, 26)]
write("root/a.json", batch1 + batch2 + later + edge_in + edge_out + no_account + policy)
write("root/b.json", batch1)                      # the same events, delivered again

# S3 AccessDenied: threshold 1 with cardinality of event.id >= 40
def s3(t, eid, ip, extra=None):
    r = rec(t, eid, "s3.amazonaws.com", "GetObject",
            {"type": "AWSAccount", "principalId": "anon", "accountId": "999999999999"},
            errorCode="AccessDenied", errorMessage="Access Denied",
            tlsDetails={"tlsVersion": "TLSv1.2", "clientProvidedHostHeader": "victim.s3.amazonaws.com"},
            requestParameters={"bucketName": "victim", "key": extra or eid or "k"})
    r["sourceIPAddress"] = ip
    return r
x = [s3(T0 + i, "s3x-%02d" % i, "203.0.113.5") for i in range(1, 41)]
y = [s3(T0 + i, "s3y-%02d" % i, "203.0.113.6") for i in range(1, 40)] + \
    [s3(T0 + 39 + i, None, "203.0.113.6", "no-id-%d" % i) for i in range(1, 6)]
write("s3/a.json", x + y)

# new_terms: access key + source ip, history 10 days
def key(t, eid, akid, ip):
    r = rec(t, eid, "s3.amazonaws.com", "ListBuckets",
            {"type": "IAMUser", "userName": "kim", "accountId": A,
             "arn": f"arn:aws:iam::{A}:user/kim", "accessKeyId": akid})
    r["sourceIPAddress"] = ip
    return r
K1, K2, K3, K4 = ("AKIAAAAAAAAAAAAAAAA%d" % i for i in range(1, 5))
write("nt/a.json", [
    key(T0, "k1-first", K1, "192.0.2.1"),
    key(T0 + 5*D, "k1-within", K1, "192.0.2.1"),
    key(T0 + 15*D, "k1-exactly-h", K1, "192.0.2.1"),
    key(T0 + 25*D + 1, "k1-after-h", K1, "192.0.2.1"),
    key(T0 + 100, "k2-v6", K2, "2001:db8::1"),
    key(T0 + 200, "k2-v6-long", K2, "2001:0db8:0:0::1"),
    key(T0 + 300, "k3-tie-b", K3, "192.0.2.3"),
    key(T0 + 300, "k3-tie-a", K3, "192.0.2.3"),
    key(None, "k4-no-time", K4, "192.0.2.4"),
])

# new_terms over an array: user arn x resources[].ARN, history 5 days
def assume(t, eid, user, roles):
    kw = {}
    if roles is not None:
        kw["resources"] = [{"ARN": f"arn:aws:iam::{A}:role/{r}", "accountId": A,
                            "type": "AWS::IAM::Role"} for r in roles]
    return rec(t, eid, "sts.amazonaws.com", "AssumeRole",
               {"type": "IAMUser", "userName": user, "accountId": A,
                "arn": f"arn:aws:iam::{A}:user/{user}"}, **kw)
write("roles/a.json", [
    assume(T0, "r1-a-b", "alice", ["A", "B"]),
    assume(T0 + 60, "r2-a-c", "alice", ["A", "C"]),
    assume(T0 + 120, "r3-b", "alice", ["B"]),
    assume(T0 + 180, "r4-none", "alice", None),
    assume(T0 + 240, "r5-a", "bob", ["A"]),
])

# the alert ids a threshold alert may have: uuid8(sha256(rule ":threshold:" terms ":" run))
def uuid8(text):
    h = bytearray(hashlib.sha256(text.encode()).digest()[:16])
    h[6] = (h[6] & 0x0f) | 0x80
    h[8] = (h[8] & 0x3f) | 0x80
    x = h.hex()
    return f"{x[:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:]}"
terms = [("4d50a94f-2844-43fa-8395-6afbd5e1c5ef", [{"field": "cloud.account.id", "value": a}])
         for a in (A, B, C)]
terms.append(("ea248a02-bc47-4043-8e94-2885b19b2636", []))
terms += [("5f0234fd-7f21-42af-8391-511d5fd11d5c",
           [{"field": "tls.client.server_name", "value": "victim.s3.amazonaws.com"},
            {"field": "source.address", "value": ip},
            {"field": "aws.cloudtrail.user_identity.type", "value": "AWSAccount"}])
          for ip in ("203.0.113.5", "203.0.113.6")]
with open(f"{T}/want.sql", "w") as f:
    f.write("CREATE TEMP TABLE run(alert_id TEXT PRIMARY KEY, run TEXT);\n")
    for rule, t in terms:
        js = json.dumps(t, separators=(",", ":"))
        for run in range(T0 - 3600, T0 + 7200 + 1, 300):
            f.write("INSERT INTO run VALUES('%s', '%s');\n" % (uuid8(f"{rule}:threshold:{js}:{run}"), iso(run)))
PY

sqlite3 -batch :memory: <<SQL
.load $EXT
.read $T/want.sql
.headers on
.mode list
-- threshold by account (2024 pack, the default): alerts exactly at the run that reaches 10,
-- not again for the same events, again for 10 new ones; duplicates in b.json counted once;
-- the window's lower edge (b-edge at T-20m counts, c-edge at T-20m-1s does not); events
-- with no time and without the group field are in no group; no group field: terms []
SELECT rule_type, event_id, event_time, group_count, group_terms, group_from,
       (SELECT run FROM run WHERE run.alert_id = d.alert_id) AS run, new_terms
  FROM detect('$T/root') AS d;
-- since: members before since still count; an alert whose newest event is before since is
-- not shown (it still stands for its events)
SELECT 'since', event_id, group_count, group_from FROM detect('$T/root', '2026-03-10T00:06:40Z')
 WHERE rule_id = '4d50a94f-2844-43fa-8395-6afbd5e1c5ef' AND event_time < '2026-03-10T00:30';
SELECT 'since+1', event_id, group_count, group_from FROM detect('$T/root', '2026-03-10T00:06:41Z')
 WHERE rule_id = '4d50a94f-2844-43fa-8395-6afbd5e1c5ef' AND event_time < '2026-03-10T00:30';
-- until: later events are not read (a2-09 at 00:18:10 is the second batch's tenth)
SELECT 'until', event_id, group_count FROM detect('$T/root', NULL, '2026-03-10T00:18:09Z')
 WHERE rule_id = '4d50a94f-2844-43fa-8395-6afbd5e1c5ef';
-- the same from a table: the same alerts, the same ids
CREATE TEMP TABLE mat AS SELECT * FROM cloudtrail('$T/root');
SELECT 'table', count(*), (SELECT count(*) FROM detect('$T/root')) FROM
  (SELECT alert_id, group_count, group_terms, group_from FROM detect('table:mat')
   INTERSECT SELECT alert_id, group_count, group_terms, group_from FROM detect('$T/root'));
-- cardinality: 40 distinct event ids alert; 44 events with 39 ids (5 have none) do not
SELECT rule_name, event_id, group_count, group_terms, group_from,
       (SELECT run FROM run WHERE run.alert_id = d.alert_id) AS run
  FROM detect('$T/s3') AS d WHERE pack = '2026-08-21' AND rule_type = 'threshold';
-- new_terms: first alerts, within 10 days not, exactly 10 days after the previous not, more
-- than that again; one address in two spellings is one term; ties at one second: the
-- smaller event id; no time: never
SELECT event_id, event_time, new_terms, group_count, group_terms FROM detect('$T/nt')
 WHERE rule_id = '9f8e3c5e-f72e-4e91-93f6-e98a4fae3e4f' AND pack = '2026-08-21';
-- since: events before since are history (k1-within is not new); until bounds the alerts
SELECT 'since', count(*), group_concat(event_id) FROM detect('$T/nt', '2026-03-11', '2026-04-04T00:00:01Z')
 WHERE rule_id = '9f8e3c5e-f72e-4e91-93f6-e98a4fae3e4f' AND pack = '2026-08-21';
SELECT 'until', count(*), group_concat(event_id) FROM detect('$T/nt', '2026-03-11', '2026-04-04T00:00:00Z')
 WHERE rule_id = '9f8e3c5e-f72e-4e91-93f6-e98a4fae3e4f' AND pack = '2026-08-21';
-- arrays: every combination; the row names the first new one; a missing field: no alert
SELECT event_id, new_terms FROM detect('$T/roles')
 WHERE rule_id = '288a198e-9b9b-11ef-a0a8-f661ea17fbcd' AND pack = '2026-08-21';
SQL

# Over the sample data, every new_terms rule of the 2026 pack, against this definition
# written again in Python on the rule's matching events (kql_match) and their values
# (ecs_field): one event per eventID, ordered by (time, eventID); new iff the previous
# event of a combination is absent or more than the history window older.
"$py" - "$EXT" <<'PY'
import ipaddress, itertools, json, sqlite3, sys
db = sqlite3.connect(":memory:")
db.enable_load_extension(True)
db.load_extension(sys.argv[1])
db.execute("CREATE TEMP TABLE ev AS SELECT * FROM cloudtrail('data/AWSLogs') WHERE copy = 1 AND event_epoch IS NOT NULL")
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
def canon(field, v):
    if field != "source.ip": return v
    a = ipaddress.ip_address(v)
    if a.version == 6 and a.ipv4_mapped: a = a.ipv4_mapped
    return str(a)
rules = db.execute("SELECT rule_id, query, new_terms FROM cloudtrail_rules WHERE pack = '2026-08-21' "
                   "AND type = 'new_terms' AND supported").fetchall()
want, n_events = set(), 0
for rule_id, query, nt in rules:
    nt = json.loads(nt)
    fields = nt["value"]
    h = nt["history_window_start"][0]["value"]
    H = int(h[4:-1]) * UNITS[h[-1]]
    evs = db.execute("SELECT eventID, event_epoch, record FROM ev WHERE kql_match(?, record) "
                     "ORDER BY event_epoch, eventID", (query,)).fetchall()
    n_events += len(evs)
    last = {}
    for eid, t, record in evs:
        vals = []
        for f in fields:
            v = db.execute("SELECT ecs_field(?, ?)", (f, record)).fetchone()[0]
            vals.append([canon(f, x) for x in json.loads(v)] if v else [])
        new = None
        for combo in itertools.product(*vals):
            if combo not in last or t - last[combo] > H:
                new = new or json.dumps(list(combo), separators=(",", ":"), ensure_ascii=False)
            last[combo] = t
        if new: want.add((rule_id, eid, new))
got = set(db.execute("SELECT rule_id, event_id, new_terms FROM detect('data/AWSLogs') "
                     "WHERE pack = '2026-08-21' AND rule_type = 'new_terms'").fetchall())
print("sample new_terms: rules", len(rules), "| oracle = detect:", want == got,
      "| only oracle", len(want - got), "| only detect", len(got - want),
      "| some alerts", len(got) > 0)
PY
