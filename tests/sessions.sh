# cloudtrail_sessions: one row per access key id, with the chain back to its origin.
# Fixtures written here (small, one scenario per file), accounts A = 111122223333 and
# B = 444455556666:
#   single.json     IAM user alice -> AssumeRole -> ASIASINGLE
#   chain.json      IAM user bob -> role A -> role B -> role C (3 hops), sourceIdentity
#                   "bob-src" set on the first AssumeRole and carried to the last key
#   xacct.json      cross-account: both copies of one AssumeRole (caller's in A, owner's in
#                   B, one sharedEventID); a caller's copy without the key, found by
#                   sharedEventID; an owner's copy alone (unknown hop naming account A)
#   federated.json  AssumeRoleWithSAML, AssumeRoleWithWebIdentity
#   tokens.json     GetSessionToken, GetFederationToken, CreateAccessKey, AWSService
#   console.json    a console session's key, linked to the ConsoleLogin 2 h before (inferred)
#   odd.json        no issuing event; one issuing event delivered twice (and a use too);
#                   two different events issuing one key; used after expiry (and not)
#   idc.json        Identity Center (onBehalfOf): as the caller, and on a key's own use
#   many.json       one key from 20 addresses (16 listed, in order of first use)
#   damaged.json    a damaged record between two good ones
py=/usr/bin/python3
[ -x $py ] || { echo "no /usr/bin/python3"; exit 77; }
ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0"   # Python itself, under make asan-test
export ASAN_OPTIONS
T=build/tmp/sessions
rm -rf $T && mkdir -p $T/logs || exit 1
"$py" - $T/logs <<'PY' || exit 1
import json, sys
D = sys.argv[1]
A, B = "111122223333", "444455556666"

def t(h, m=0, s=0):
    return "2026-03-04T%02d:%02d:%02dZ" % (h, m, s)

def user(name, key, acct=A):
    return {"type": "IAMUser", "principalId": "AIDA" + name.upper(), "arn":
            "arn:aws:iam::%s:user/%s" % (acct, name), "accountId": acct,
            "accessKeyId": key, "userName": name}

def role(rolename, session, key, acct=A, src=None):
    i = {"type": "AssumedRole", "principalId": "AROA%s:%s" % (rolename.upper(), session),
         "arn": "arn:aws:sts::%s:assumed-role/%s/%s" % (acct, rolename, session),
         "accountId": acct, "accessKeyId": key,
         "sessionContext": {"sessionIssuer": {"type": "Role", "arn":
             "arn:aws:iam::%s:role/%s" % (acct, rolename), "accountId": acct,
             "userName": rolename}, "attributes": {"mfaAuthenticated": "false",
             "creationDate": "2026-03-04T06:00:00Z"}}}
    if src:
        i["sessionContext"]["sourceIdentity"] = src
    return i

def rec(eid, when, ident, name="ListBuckets", source="s3.amazonaws.com", ip="198.51.100.1",
        recipient=A, **kw):
    r = {"eventVersion": "1.08", "userIdentity": ident, "eventTime": when,
         "eventSource": source, "eventName": name, "awsRegion": "us-east-1",
         "sourceIPAddress": ip, "userAgent": "aws-cli/2", "eventID": eid,
         "recipientAccountId": recipient}
    r.update(kw)
    return r

def assume(eid, when, ident, rolename, session, newkey, acct=A, exp="Mar 4, 2026, 11:00:00 PM",
           recipient=A, src=None, **kw):
    rp = {"roleArn": "arn:aws:iam::%s:role/%s" % (acct, rolename), "roleSessionName": session}
    if src:
        rp["sourceIdentity"] = src
    re = {"credentials": {"accessKeyId": newkey, "sessionToken": "x", "expiration": exp},
          "assumedRoleUser": {"assumedRoleId": "AROA%s:%s" % (rolename.upper(), session),
              "arn": "arn:aws:sts::%s:assumed-role/%s/%s" % (acct, rolename, session)}}
    if src:
        re["sourceIdentity"] = src
    return rec(eid, when, ident, "AssumeRole", "sts.amazonaws.com", recipient=recipient,
               requestParameters=rp, responseElements=re, **kw)

def write(name, records):
    with open("%s/%s" % (D, name), "w") as f:
        json.dump({"Records": records}, f, indent=1)

write("single.json", [
    assume("ev-single-issue", t(6), user("alice", "AKIAALICE"), "Reader", "alice-s", "ASIASINGLE"),
    rec("ev-single-use", t(6, 5), role("Reader", "alice-s", "ASIASINGLE"), ip="203.0.113.5"),
])
write("chain.json", [
    assume("ev-chain-1", t(7), user("bob", "AKIABOB"), "RoleA", "bob-a", "ASIACHAINA", src="bob-src"),
    assume("ev-chain-2", t(7, 1), role("RoleA", "bob-a", "ASIACHAINA", src="bob-src"), "RoleB", "bob-b", "ASIACHAINB"),
    assume("ev-chain-3", t(7, 2), role("RoleB", "bob-b", "ASIACHAINB"), "RoleC", "bob-c", "ASIACHAINC"),
    rec("ev-chain-use", t(7, 3), role("RoleC", "bob-c", "ASIACHAINC"), ip="203.0.113.7"),
    rec("ev-chain-use2", t(7, 4), role("RoleC", "bob-c", "ASIACHAINC"), ip="203.0.113.8"),
])
owner = lambda: {"type": "AWSAccount", "principalId": "AIDACAROL", "accountId": A}
write("xacct.json", [
    # both copies: the caller's in A and the role owner's in B
    assume("ev-x-caller", t(8), user("carol", "AKIACAROL"), "Cross", "carol-x", "ASIAXBOTH",
           acct=B, recipient=A, sharedEventID="shared-1"),
    assume("ev-x-owner", t(8), owner(), "Cross", "carol-x", "ASIAXBOTH", acct=B, recipient=B,
           sharedEventID="shared-1"),
    rec("ev-x-use", t(8, 1), role("Cross", "carol-x", "ASIAXBOTH", acct=B), recipient=B),
    # the caller's copy does not name the key: found through sharedEventID
    dict(assume("ev-y-caller", t(8, 10), user("carol", "AKIACAROL"), "Cross", "carol-y",
                "ASIAXSHARED", acct=B, recipient=A, sharedEventID="shared-2"), responseElements=None),
    assume("ev-y-owner", t(8, 10), owner(), "Cross", "carol-y", "ASIAXSHARED", acct=B,
           recipient=B, sharedEventID="shared-2"),
    # only the owner's copy
    assume("ev-z-owner", t(8, 20), owner(), "Cross", "carol-z", "ASIAXOWNER", acct=B,
           recipient=B, sharedEventID="shared-3"),
])
saml_user = {"type": "SAMLUser", "principalId": "SAMLPROV:dave@example.com",
             "userName": "dave@example.com",
             "identityProvider": "arn:aws:iam::%s:saml-provider/Okta" % A}
web_user = {"type": "WebIdentityUser", "principalId": "accounts.google.com:app1:sub-123",
            "userName": "sub-123", "identityProvider": "accounts.google.com"}
write("federated.json", [
    rec("ev-saml", t(9), saml_user, "AssumeRoleWithSAML", "sts.amazonaws.com",
        requestParameters={"roleArn": "arn:aws:iam::%s:role/SSO" % A,
                           "principalArn": "arn:aws:iam::%s:saml-provider/Okta" % A},
        responseElements={"credentials": {"accessKeyId": "ASIASAML", "expiration":
            "Mar 4, 2026, 10:00:00 AM"}, "assumedRoleUser": {"arn":
            "arn:aws:sts::%s:assumed-role/SSO/dave@example.com" % A},
            "subject": "dave@example.com", "subjectType": "persistent",
            "issuer": "http://www.okta.com/exk1"}),
    rec("ev-saml-use", t(9, 5), role("SSO", "dave@example.com", "ASIASAML")),
    rec("ev-web", t(9, 30), web_user, "AssumeRoleWithWebIdentity", "sts.amazonaws.com",
        requestParameters={"roleArn": "arn:aws:iam::%s:role/Web" % A, "roleSessionName": "app1"},
        responseElements={"credentials": {"accessKeyId": "ASIAWEBID", "expiration":
            "Mar 4, 2026 10:30:00 AM"}, "assumedRoleUser": {"arn":
            "arn:aws:sts::%s:assumed-role/Web/app1" % A},
            "subjectFromWebIdentityToken": "sub-123", "provider": "accounts.google.com"}),
])
write("tokens.json", [
    rec("ev-gst", t(10), user("erin", "AKIAERIN"), "GetSessionToken", "sts.amazonaws.com",
        requestParameters={"durationSeconds": 3600},
        responseElements={"credentials": {"accessKeyId": "ASIAGST", "expiration":
            "2026-03-04T11:00:00Z"}}),
    rec("ev-gst-use", t(10, 5), user("erin", "ASIAGST")),
    rec("ev-gft", t(10, 10), user("frank", "AKIAFRANK"), "GetFederationToken", "sts.amazonaws.com",
        requestParameters={"name": "fed-frank"},
        responseElements={"credentials": {"accessKeyId": "ASIAFED", "expiration":
            "Mar 4, 2026, 10:10:00 PM"}, "federatedUser": {"federatedUserId": "%s:fed-frank" % A,
            "arn": "arn:aws:sts::%s:federated-user/fed-frank" % A}}),
    rec("ev-gft-use", t(10, 20), {"type": "FederatedUser", "principalId": "%s:fed-frank" % A,
        "arn": "arn:aws:sts::%s:federated-user/fed-frank" % A, "accountId": A,
        "accessKeyId": "ASIAFED"}),
    rec("ev-cak", t(10, 30), user("admin", "AKIAADMIN"), "CreateAccessKey", "iam.amazonaws.com",
        requestParameters={"userName": "henry"},
        responseElements={"accessKey": {"accessKeyId": "AKIAHENRY", "status": "Active",
            "userName": "henry"}}),
    rec("ev-cak-use", t(10, 40), user("henry", "AKIAHENRY")),
    assume("ev-svc", t(10, 50), {"type": "AWSService", "invokedBy": "ec2.amazonaws.com"},
           "InstanceRole", "i-0abc", "ASIAEC2"),
    rec("ev-svc-use", t(10, 55), role("InstanceRole", "i-0abc", "ASIAEC2")),
])
write("console.json", [
    rec("ev-login", t(11), {"type": "IAMUser", "principalId": "AIDAGRACE",
        "arn": "arn:aws:iam::%s:user/grace" % A, "accountId": A, "userName": "grace"},
        "ConsoleLogin", "signin.amazonaws.com", eventType="AwsConsoleSignIn",
        responseElements={"ConsoleLogin": "Success"},
        additionalEventData={"MFAUsed": "No"}),
    rec("ev-console-use", t(13), dict(user("grace", "ASIACONSOLE"),
        sessionContext={"attributes": {"mfaAuthenticated": "false"}}),
        sessionCredentialFromConsole="true"),
])
write("odd.json", [
    rec("ev-missing-use", t(12), role("Ghost", "who", "ASIAMISSING")),
    # one event delivered twice, and one use delivered twice
    assume("ev-dup", t(12, 10), user("ivan", "AKIAIVAN"), "Dup", "ivan-d", "ASIADUP"),
    assume("ev-dup", t(12, 10), user("ivan", "AKIAIVAN"), "Dup", "ivan-d", "ASIADUP"),
    rec("ev-dup-use", t(12, 11), role("Dup", "ivan-d", "ASIADUP")),
    rec("ev-dup-use", t(12, 11), role("Dup", "ivan-d", "ASIADUP")),
    # two different events naming one key
    assume("ev-twice-2", t(12, 21), user("judy", "AKIAJUDY"), "Twice", "judy-2", "ASIATWICE"),
    assume("ev-twice-1", t(12, 20), user("judy", "AKIAJUDY"), "Twice", "judy-1", "ASIATWICE"),
    # expired: issued with "Mar 4, 2026, 8:07:40 AM" and used at 12:30 (and a key used in time)
    assume("ev-exp", t(7, 7, 40), user("kate", "AKIAKATE"), "Exp", "kate-e", "ASIAEXPIRED",
           exp="Mar 4, 2026, 8:07:40 AM"),
    rec("ev-exp-use1", t(7, 30), role("Exp", "kate-e", "ASIAEXPIRED"), ip="192.0.2.1"),
    rec("ev-exp-use2", t(12, 30), role("Exp", "kate-e", "ASIAEXPIRED"), ip="192.0.2.2"),
    rec("ev-exp-use3", t(12, 31), role("Exp", "kate-e", "ASIAEXPIRED"), ip="192.0.2.1"),
])
# Identity Center: a caller with onBehalfOf issues a key; a key whose own use names it
idc = lambda key: dict(role("AWSReservedSSO_Admin_1a2b", "erin@example.com", key),
    onBehalfOf={"userId": "94482488-3041-7026-18f3-be45837cd0e4",
                "identityStoreArn": "arn:aws:identitystore::%s:identitystore/d-9067642ac7" % A})
write("idc.json", [
    assume("ev-idc", t(16), idc("ASIAIDCPARENT"), "Deploy", "erin-deploy", "ASIAIDCCHILD"),
    rec("ev-idc-use", t(16, 1), role("Deploy", "erin-deploy", "ASIAIDCCHILD")),
])
# 20 addresses for one key (16 listed, in order of first use; 20 counted), read out of order
many = [rec("ev-many-%02d" % i, t(14, 40 - i), role("Many", "m", "ASIAMANY"),
            ip="10.0.0.%d" % (i % 20)) for i in range(40)]
write("many.json", many)
# a damaged record between two good ones: the good ones count, the file report names it
with open("%s/damaged.json" % D, "w") as f:
    good = [json.dumps(rec("ev-dmg-%d" % i, t(15, i), role("Dmg", "d", "ASIADAMAGED")))
            for i in (1, 2)]
    f.write('{"Records":[\n' + good[0] + ',\n{"eventName": "ListBuckets", "userIdentity": {"accessKeyId": "ASIADAMAGED" "type": 1}},\n'
            + good[1] + ']}\n')
PY
sqlite3 :memory: <<SQL
.load $EXT
.mode list
.headers on
SELECT access_key_id, key_type, account_id, principal_type, issued_by, issued_event_id,
       issuer_arn, parent_access_key_id, origin_arn, origin_type, hops, link
  FROM cloudtrail_sessions('$T/logs');
.headers off
SELECT '-- the chains';
SELECT s.access_key_id, h.key, h.value->>'event', h.value->>'caller_arn',
       h.value->>'caller_type', h.value->>'account_id', h.value->>'link', h.value->>'evidence'
  FROM cloudtrail_sessions('$T/logs') s, json_each(s.chain) h;
SELECT '-- whole chains as JSON';
SELECT access_key_id, chain FROM cloudtrail_sessions('$T/logs')
 WHERE access_key_id IN ('ASIACHAINC', 'ASIASAML', 'ASIAWEBID', 'ASIAXOWNER', 'ASIAMISSING');
SELECT '-- sessions and their names';
.headers on
SELECT access_key_id, principal_arn, role_arn, session_name, source_identity,
       federated_subject, federated_provider, on_behalf_of
  FROM cloudtrail_sessions('$T/logs') WHERE key_type = 'temporary';
.headers off
SELECT '-- times, counts, addresses, expiry';
.headers on
SELECT access_key_id, issued_time, expires, first_used, last_used, event_count, source_ips,
       source_ip_count, used_after_expiry
  FROM cloudtrail_sessions('$T/logs');
.headers off
SELECT '-- more than 16 addresses; a damaged record skipped (strict off, as detect)';
SELECT access_key_id, event_count, source_ip_count, json_array_length(source_ips), source_ips
  FROM cloudtrail_sessions('$T/logs') WHERE access_key_id IN ('ASIAMANY', 'ASIADAMAGED');
SELECT status, error FROM cloudtrail_files('$T/logs/damaged.json');
SELECT '-- since/until bound the rows, not what is read';
SELECT access_key_id, origin_arn, hops FROM cloudtrail_sessions('$T/logs', '2026-03-04T07:00:30Z', '2026-03-04T07:03:30Z');
SELECT '-- a table source equals the path source';
CREATE TABLE t AS SELECT * FROM cloudtrail('$T/logs');
CREATE TABLE a AS SELECT * FROM cloudtrail_sessions('$T/logs');
CREATE TABLE b AS SELECT * FROM cloudtrail_sessions('table:t');
SELECT count(*), (SELECT count(*) FROM (SELECT * FROM a EXCEPT SELECT * FROM b)),
       (SELECT count(*) FROM (SELECT * FROM b EXCEPT SELECT * FROM a)) FROM a;
SELECT '-- errors';
SELECT count(*) FROM cloudtrail_sessions('$T/logs', 'yesterday-ish');
SELECT count(*) FROM cloudtrail_sessions('$T/logs', NULL, 'x');
SELECT count(*) FROM cloudtrail_sessions;
SELECT count(*) FROM cloudtrail_sessions('table:nosuch');
SELECT '-- not innocuous: a view of the database cannot read files with trusted_schema off';
CREATE VIEW v AS SELECT * FROM cloudtrail_sessions('$T/logs');
PRAGMA trusted_schema = OFF;
SELECT count(*) FROM v;
SQL
