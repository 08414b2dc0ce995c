#!/usr/bin/python3
"""Write the reader's test fixtures into tests/fixtures/ (their output is committed).

Each fixture exercises one input shape or one kind of damage. The records are
hand-written CloudTrail records; the gzip files are written with mtime 0 so the
bytes are the same on every run.  Run:  /usr/bin/python3 tests/make_fixtures.py
"""
import gzip
import io
import json
import os
import zlib

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")


def rec(i, name, source="iam.amazonaws.com", **extra):
    """A compact, realistic record; extra keys override or add fields."""
    r = {
        "eventVersion": "1.08",
        "userIdentity": {
            "type": "IAMUser",
            "principalId": "AIDAEXAMPLEALICE0001",
            "arn": "arn:aws:iam::111122223333:user/alice",
            "accountId": "111122223333",
            "accessKeyId": "ASIAEXAMPLEALICE0001",
            "userName": "alice",
            "sessionContext": {
                "sessionIssuer": {},
                "webIdFederationData": {},
                "attributes": {"creationDate": "2026-03-02T09:00:00Z", "mfaAuthenticated": "true"},
            },
        },
        "eventTime": "2026-03-02T10:%02d:00Z" % i,
        "eventSource": source,
        "eventName": name,
        "awsRegion": "us-east-1",
        "sourceIPAddress": "203.0.113.10",
        "userAgent": "aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64.debian.12",
        "requestParameters": None,
        "responseElements": None,
        "requestID": "00000000-0000-4000-a000-%012d" % i,
        "eventID": "00000000-0000-4000-b000-%012d" % i,
        "readOnly": False,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": "111122223333",
        "eventCategory": "Management",
    }
    r.update(extra)
    return r


def compact(obj):
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def gz(data):
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0, filename="") as f:
        f.write(data)
    return out.getvalue()


def write(name, data):
    path = os.path.join(HERE, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(path, "wb") as f:
        f.write(data)


ASSUMED = {
    "type": "AssumedRole",
    "principalId": "AROAEXAMPLEROLE00001:deploy-session",
    "arn": "arn:aws:sts::111122223333:assumed-role/Deployer/deploy-session",
    "accountId": "111122223333",
    "accessKeyId": "ASIAEXAMPLEROLE00001",
    "sessionContext": {
        "sessionIssuer": {
            "type": "Role",
            "principalId": "AROAEXAMPLEROLE00001",
            "arn": "arn:aws:iam::111122223333:role/Deployer",
            "accountId": "111122223333",
            "userName": "Deployer",
        },
        "attributes": {"creationDate": "2026-03-02T09:30:00Z", "mfaAuthenticated": "false"},
        "sourceIdentity": "alice@example.com",
    },
}
SERVICE = {"type": "AWSService", "invokedBy": "ec2.amazonaws.com"}
ROOT = {
    "type": "Root",
    "principalId": "111122223333",
    "arn": "arn:aws:iam::111122223333:root",
    "accountId": "111122223333",
    "accessKeyId": "ASIAEXAMPLEROOT00001",
}
FEDERATED = {
    "type": "FederatedUser",
    "principalId": "111122223333:dave",
    "arn": "arn:aws:sts::111122223333:federated-user/dave",
    "accountId": "111122223333",
    "sessionContext": {
        "sessionIssuer": {
            "type": "IAMUser",
            "principalId": "AIDAEXAMPLEDAVE00001",
            "arn": "arn:aws:iam::111122223333:user/dave",
            "accountId": "111122223333",
            "userName": "dave",
        },
        "attributes": {"creationDate": "2026-03-02T08:00:00Z", "mfaAuthenticated": "false"},
    },
}


def main():
    # 1. AWS's own shape: {"Records":[...]} on one line, no final newline.
    three = [
        rec(1, "DeactivateMFADevice",
            requestParameters={"userName": "alice", "serialNumber": "arn:aws:iam::111122223333:mfa/alice"}),
        rec(2, "GetCallerIdentity", "sts.amazonaws.com", readOnly=True),
        rec(3, "ListBuckets", "s3.amazonaws.com", readOnly=True),
    ]
    write("records_compact.json", compact({"Records": three}))
    # the same records pretty-printed, as people save them
    write("records_pretty.json", json.dumps({"Records": three[:2]}, indent=4) + "\n")
    # 2. gzip, recognised by its magic bytes: a proper name and a misleading one
    write("records.json.gz", gz(compact({"Records": three}).encode()))
    write("gzip_named.txt", gz(compact({"Records": three[:1]}).encode()))
    # multi-member gzip: two members, one after the other (as `cat a.gz b.gz` makes)
    write("multi_member.json.gz",
          gz((compact(three[0]) + "\n").encode()) + gz((compact(three[1]) + "\n" + compact(three[2])).encode()))
    # 3. a bare array (Stratus Red Team, TrailDiscover), and an empty one
    write("array.json", json.dumps(three[1:], indent=2))
    write("empty_array.json", "[]\n")
    # 4. NDJSON: LF with blank lines and no final newline; BOM + CRLF
    write("ndjson.jsonl", compact(three[0]) + "\n\n" + compact(three[1]) + "\n" + compact(three[2]))
    write("ndjson_crlf_bom.jsonl", "\ufeff" + compact(three[1]) + "\r\n\r\n" + compact(three[2]) + "\r\n")
    # CloudWatch Logs export: a timestamp before each record
    write("cloudwatch_export.log",
          "2026-03-02T10:02:00.000Z " + compact(three[1]) + "\n2026-03-02T10:03:00.000Z " + compact(three[2]) + "\n")
    # 5. one record object in a file, pretty-printed
    write("object.json", json.dumps(three[0], indent=2) + "\n")
    # 6. EventBridge envelopes, as Firehose writes them (one per line)
    env = []
    for r in three[:2]:
        env.append(compact({
            "version": "0", "id": "e0000000-0000-4000-8000-00000000000%d" % len(env),
            "detail-type": "AWS API Call via CloudTrail", "source": "aws.iam",
            "account": "111122223333", "time": r["eventTime"], "region": "us-east-1",
            "resources": [], "detail": r,
        }))
    write("eventbridge.json", "\n".join(env) + "\n")
    # 7. digests (by path, and by content) and Insights
    digest = {
        "awsAccountId": "111122223333", "digestStartTime": "2026-03-02T09:00:00Z",
        "digestEndTime": "2026-03-02T10:00:00Z", "digestS3Bucket": "trail-bucket",
        "digestS3Object": "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/03/02/x.json.gz",
        "logFiles": [],
    }
    write("AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/03/02/"
          "111122223333_CloudTrail-Digest_us-east-1_main_us-east-1_20260302T100000Z.json.gz",
          gz(compact(digest).encode()))
    write("digest_by_content.json", compact(digest))
    insight = {
        "eventVersion": "1.08", "eventTime": "2026-03-02T10:05:00Z", "awsRegion": "us-east-1",
        "eventID": "00000000-0000-4000-c000-000000000001", "eventType": "AwsCloudTrailInsight",
        "recipientAccountId": "111122223333", "sharedEventID": "00000000-0000-4000-d000-000000000001",
        "insightDetails": {"state": "Start", "eventSource": "iam.amazonaws.com",
                           "eventName": "DeactivateMFADevice", "insightType": "ApiCallRateInsight",
                           "insightContext": {"statistics": {"baseline": {"average": 0.01}}}},
        "eventCategory": "Insight",
    }
    write("AWSLogs/111122223333/CloudTrail-Insight/us-east-1/2026/03/02/"
          "111122223333_CloudTrail-Insight_us-east-1_20260302T1005Z_abcdEFGH12345678.json.gz",
          gz(compact({"Records": [insight]}).encode()))
    # an ordinary log file in AWS's layout, for the path columns
    write("AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/02/"
          "111122223333_CloudTrail_us-east-1_20260302T1010Z_AbCdEfGh12345678.json.gz",
          gz(compact({"Records": three}).encode()))
    # 8. not CloudTrail
    write("unknown/notes.txt", "case notes: check the MFA events\n")
    write("unknown/random.bin", bytes(range(256)))
    write("unknown/empty.json", b"")
    write("unknown/blank.json", "  \n\t\n")
    write("unknown/other.json", '{"name": "package", "version": "1.0.0"}\n')

    # Identities and outcomes: one record per case, for the derived columns.
    cases = [
        rec(10, "DeactivateMFADevice",
            requestParameters={"userName": "bob", "serialNumber": "arn:aws:iam::111122223333:mfa/bob"}),
        rec(11, "CreateAccessKey", userIdentity=ASSUMED, requestParameters={"userName": "alice"},
            errorCode="", sourceIPAddress="2001:db8::10"),
        rec(12, "Decrypt", "kms.amazonaws.com", userIdentity=SERVICE, sourceIPAddress="ec2.amazonaws.com",
            userAgent="ec2.amazonaws.com", readOnly="true", managementEvent=False,
            resources=[{"accountId": "111122223333", "type": "AWS::KMS::Key",
                        "ARN": "arn:aws:kms:us-east-1:111122223333:key/1234abcd"}]),
        rec(13, "ConsoleLogin", "signin.amazonaws.com", userIdentity=ROOT, eventType="AwsConsoleSignIn",
            responseElements={"ConsoleLogin": "Success"},
            additionalEventData={"LoginTo": "https://console.aws.amazon.com/", "MobileVersion": "No",
                                 "MFAUsed": "No"}),
        rec(14, "ConsoleLogin", "signin.amazonaws.com", eventType="AwsConsoleSignIn",
            errorMessage="Failed authentication", responseElements={"ConsoleLogin": "Failure"}),
        rec(15, "ConsoleLogin", "signin.amazonaws.com", eventType="AwsConsoleSignIn",
            errorCode="Odd", responseElements={"ConsoleLogin": "SUCCESS"}),
        rec(16, "GetFederationToken", "sts.amazonaws.com", userIdentity=FEDERATED, errorMessage="throttled"),
        rec(17, "ListUsers", errorCode=None, eventTime="2026-03-02T10:17:00.123Z"),
        rec(18, "ListUsers", errorCode="200", eventTime="2026-03-02T12:18:00+02:00"),
        rec(19, "ListUsers", errorCode={}, eventTime="yesterday"),
        rec(20, "ListUsers", eventTime="2026-03-02 10:20:00.000",
            requestParameters={"maxItems": 12345678901234567890123, "ratio": 1.5e300, "neg": -0}),
        rec(21, "ListRoles", userIdentity={"type": "AssumedRole", "principalId": "AROAEXAMPLE:s", "userName": "",
                                           "sessionContext": {"sessionIssuer": {"userName": "Auditor"},
                                                              "attributes": {"mfaAuthenticated": "TRUE"}}},
            recipientAccountId="444455556666"),
        {k: v for k, v in rec(22, "PutObject", "s3.amazonaws.com").items() if k != "userIdentity"},
    ]
    lines = [compact(c) for c in cases]
    # a name written with an escape: it is DeactivateMFADevice once decoded
    lines.append(compact(rec(23, "X")).replace('"eventName":"X"', '"eventName":"Deactivate\\u004dFADevice"'))
    write("columns/identities.jsonl", "\n".join(lines) + "\n")

    # The rule's clauses, each on both sides of its boundary (tests/rule.sql).
    mfa = {"userName": "bob", "serialNumber": "arn:aws:iam::111122223333:mfa/bob"}
    def mfa_rec(i, name="DeactivateMFADevice", **extra):
        extra.setdefault("requestParameters", mfa)
        return rec(i, name, eventID="00000000-0000-4000-e000-%012d" % i, **extra)
    rule = [
        mfa_rec(30),                                              # hit
        mfa_rec(31, "DeleteVirtualMFADevice",
                requestParameters={"serialNumber": "arn:aws:iam::111122223333:mfa/bob"}),  # hit
        mfa_rec(32, errorCode="AccessDenied", errorMessage="User: alice is not authorized"),
        mfa_rec(33, errorMessage="An unknown error occurred"),    # errorMessage only: failure
        mfa_rec(34, errorCode=None),                              # null: success, hit
        mfa_rec(35, errorCode=""),                                # "": success, hit
        mfa_rec(36, errorCode="", errorMessage=""),               # both empty: hit
        mfa_rec(37, "deactivateMFADevice"),                       # wrong case
        mfa_rec(38, "DeactivateMFADevice "),                      # trailing space
        mfa_rec(39, source="IAM.amazonaws.com"),                  # provider, wrong case
        mfa_rec(40, source="sts.amazonaws.com"),                  # other provider
        mfa_rec(41, "EnableMFADevice"),
        mfa_rec(42, "ResyncMFADevice"),
        mfa_rec(43, "CreateVirtualMFADevice", requestParameters={"virtualMFADeviceName": "bob"}),
        mfa_rec(44, errorCode=0),                                 # a number is a value: failure
        mfa_rec(45, errorCode={}),                                # {} is dropped: hit
    ]
    lines = [compact(c) for c in rule]
    # escaped characters decode first: this is DeleteVirtualMFADevice from iam.amazonaws.com
    lines.append(compact(mfa_rec(46, "X", source="Y")).replace('"eventName":"X"', '"eventName":"Delete\\u0056irtualMFADevice"')
                 .replace('"eventSource":"Y"', '"eventSource":"iam\\u002eamazonaws.com"'))
    lines.append(compact(mfa_rec(47)).replace('"eventName":"DeactivateMFADevice"', '"eventName":["DeactivateMFADevice"]'))
    lines.append(compact(mfa_rec(48)).replace('"eventName":"DeactivateMFADevice"', '"eventName":"Deactivate\\u004DFADevice\\u0000"'))
    write("rule/cases.jsonl", "\n".join(lines) + "\n")
    # the same event (same eventID) delivered in two files, and a record with no eventID twice
    noid = {k: v for k, v in mfa_rec(49).items() if k != "eventID"}
    write("rule/dup_a.json", compact({"Records": [mfa_rec(30), noid]}))
    write("rule/dup_b.json", compact({"Records": [mfa_rec(30), noid]}))

    # Damage.  Each keeps the records around the damage.
    body = compact({"Records": three}).encode()
    many = compact({"Records": [rec(i, "GetUser", readOnly=True) for i in range(20)]}).encode()
    g = gz(many)
    cut = len(g) - 9                    # cut inside the deflate data, where about half is out
    while len(zlib.decompressobj(31).decompress(g[:cut])) > len(many) // 2:
        cut -= 1
    write("damaged/truncated.json.gz", g[:cut])
    bad = bytearray(gz(body))
    bad[-6] ^= 0xFF                     # the CRC32 in the trailer: data intact, check fails
    write("damaged/bad_crc.json.gz", bytes(bad))
    write("damaged/trailing_garbage.json.gz", gz(body) + b"this is not gzip")
    good = [compact(r) for r in three]
    broken = '{"eventVersion":"1.08","eventName":"Broken","requestParameters":{"a":1,,}}'
    write("damaged/malformed_record.json", '{"Records":[' + good[0] + "," + broken + "," + good[1] + "," + good[2] + "]}")
    write("damaged/broken_line.jsonl", good[0] + "\n" + good[1][:40] + "\n" + good[2] + "\n")
    write("damaged/garbage_between.json", '{"Records":[' + good[0] + ", GARBAGE ," + good[1] + "]}")
    write("damaged/not_a_record.json", '{"Records":[' + good[0] + ',{"eventName":42},' + good[1] + "]}")
    # two log files concatenated, the second one cut short
    write("damaged/concatenated.json", compact({"Records": three[:1]}) + '{"Records":[' + good[1] + "," + good[2][:50])
    # a stray ']' ends the array early: the records after the damage still come back
    write("damaged/stray_bracket.json", '{"Records":[' + good[0] + ",]xx" + good[1] + "," + good[2] + "]}")
    write("damaged/cut_array.json", "[\n  " + good[0] + ",\n  " + good[1] + ",\n  " + good[2][:100])


def damage_sample():
    """data/damaged/: copies of four sample log files, each damaged in one way a
    download or a disk can damage it (for the demo and the salvage test)."""
    root = os.path.join(os.path.dirname(HERE), "..", "data")
    logs = sorted(
        os.path.join(d, f)
        for d, _, fs in os.walk(os.path.join(root, "AWSLogs"))
        for f in fs
        if "_CloudTrail_" in f
    )
    out = os.path.join(root, "damaged")
    if os.path.isdir(out):
        for f in os.listdir(out):
            os.remove(os.path.join(out, f))
    os.makedirs(out, exist_ok=True)
    pick = [logs[3], logs[10], logs[20], logs[30]]
    raw = [open(p, "rb").read() for p in pick]
    names = [os.path.basename(p) for p in pick]
    # a download cut off half way
    open(os.path.join(out, names[0]), "wb").write(raw[0][: len(raw[0]) // 2])
    # one record's JSON damaged (a ':' turned into ';'), recompressed
    text = gzip.decompress(raw[1])
    third = text.index(b'{"eventVersion"', text.index(b'{"eventVersion"', 20) + 1)
    colon = text.index(b'":', third) + 1
    open(os.path.join(out, names[1]), "wb").write(gz(text[:colon] + b";" + text[colon + 1:]))
    # a corrupted byte in the middle of the deflate data
    bad = bytearray(raw[2])
    bad[len(bad) // 2] ^= 0x55
    open(os.path.join(out, names[2]), "wb").write(bytes(bad))
    # an empty object left by a failed copy
    open(os.path.join(out, names[3]), "wb").write(b"")


if __name__ == "__main__":
    main()
    damage_sample()
