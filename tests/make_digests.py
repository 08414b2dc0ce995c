#!/usr/bin/env python3
"""Write a tiny CloudTrail trail with digest files, signed as AWS signs them, for
tests/digests.sh: OUT/good, then copies of it changed one way each (see digests.sh).

What AWS hashes and signs ("Custom implementations of CloudTrail log file integrity
validation", AWS CloudTrail User Guide): a log file's hashValue and previousDigestHashValue
are hex SHA-256 of the uncompressed bytes; the signature is SHA256withRSA over
  digestEndTime \\n digestS3Bucket/digestS3Object \\n hex SHA-256 of the uncompressed digest
  \\n previousDigestSignature ('null' for the first)
hex-encoded. Keys and signatures come from the openssl command; the fingerprint used is the
MD5 of the key's PKCS#1 DER, as digests.c computes it (AWS does not document its own)."""
import gzip, hashlib, json, os, shutil, subprocess, sys

out = sys.argv[1]
ACCT, REG, BUCKET, TRAIL = "111122223333", "us-east-1", "test-bucket", "management-events"
keys = os.path.join(out, "keys")
os.makedirs(keys)


def run(*args, data=None):
    return subprocess.run(args, input=data, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          check=True).stdout


def make_key(name):
    priv = os.path.join(out, name + ".key")
    run("openssl", "genrsa", "-out", priv, "2048")
    pub = run("openssl", "rsa", "-in", priv, "-pubout")
    der = run("openssl", "rsa", "-pubin", "-RSAPublicKey_out", "-outform", "DER", data=pub)
    return priv, pub, hashlib.md5(der).hexdigest()


priv, pub, fp = make_key("aws")
other_priv, _, _ = make_key("other")
with open(os.path.join(keys, "region.pem"), "wb") as f:
    f.write(pub)
with open(os.path.join(keys, "README.txt"), "w") as f:
    f.write("not a key: only .pem files in a folder are read\n")
# the same key as one file, named by a fingerprint the digests of "named" use
NAMED = "0123456789abcdef0123456789abcdef"
with open(os.path.join(out, NAMED + ".pem"), "wb") as f:
    f.write(pub)

def gz(data):
    return gzip.compress(data, mtime=0)


def log_key(stamp, suffix):
    return (f"AWSLogs/{ACCT}/CloudTrail/{REG}/2026/03/02/"
            f"{ACCT}_CloudTrail_{REG}_2026030{stamp}Z_{suffix}.json.gz")


def log_bytes(n):
    rec = {"eventVersion": "1.09", "eventTime": "2026-03-02T00:00:00Z",
           "eventSource": "iam.amazonaws.com", "eventName": "ListUsers",
           "eventID": f"e{n}", "awsRegion": REG, "recipientAccountId": ACCT}
    return json.dumps({"Records": [rec]}, separators=(",", ":")).encode()


# four log files: two in the first hour's digest, one in each of the next two
LOGS = [("2T0030", "AAAA000000000001", 1), ("2T0045", "AAAA000000000002", 1),
        ("2T0130", "AAAA000000000003", 2), ("2T0230", "AAAA000000000004", 3)]


def digest_key(hour):
    return (f"AWSLogs/{ACCT}/CloudTrail-Digest/{REG}/2026/03/02/"
            f"{ACCT}_CloudTrail-Digest_{REG}_{TRAIL}_{REG}_20260302T0{hour}0000Z.json.gz")


def sign(key, end, obj, plain, prev_sig):
    s = f"{end}\n{BUCKET}/{obj}\n{hashlib.sha256(plain).hexdigest()}\n{prev_sig or 'null'}"
    return run("openssl", "dgst", "-sha256", "-sign", key, data=s.encode()).hex()


def write_trail(root, logs, tamper=None, fingerprint=None):
    """tamper(n, digest_dict) may change digest n (1-based) before it is written;
    returns the key that signs it."""
    for stamp, suffix, _ in LOGS:
        p = os.path.join(root, log_key(stamp, suffix))
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(gz(logs[suffix]))
    prev = None   # (key, plain bytes, signature)
    for n in (1, 2, 3):
        d = {"awsAccountId": ACCT,
             "digestStartTime": f"2026-03-02T0{n-1}:00:00Z",
             "digestEndTime": f"2026-03-02T0{n}:00:00Z",
             "digestS3Bucket": BUCKET, "digestS3Object": digest_key(n),
             "digestPublicKeyFingerprint": fingerprint or fp, "digestSignatureAlgorithm": "SHA256withRSA",
             "previousDigestS3Bucket": BUCKET if prev else None,
             "previousDigestS3Object": prev[0] if prev else None,
             "previousDigestHashValue": hashlib.sha256(prev[1]).hexdigest() if prev else None,
             "previousDigestHashAlgorithm": "SHA-256" if prev else None,
             "previousDigestSignature": prev[2] if prev else None,
             "logFiles": [{"s3Bucket": BUCKET, "s3Object": log_key(st, sx),
                           "hashValue": hashlib.sha256(log_bytes(int(sx[-1]))).hexdigest(),
                           "hashAlgorithm": "SHA-256"}
                          for st, sx, dn in LOGS if dn == n]}
        key = tamper(n, d) if tamper else priv
        plain = json.dumps(d).encode()
        p = os.path.join(root, digest_key(n))
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(gz(plain))
        prev = (digest_key(n), plain, sign(key, d["digestEndTime"], digest_key(n), plain,
                                          d["previousDigestSignature"]))
    return prev


good_logs = {sx: log_bytes(int(sx[-1])) for _, sx, _ in LOGS}
good = os.path.join(out, "good")
write_trail(good, good_logs)
named = os.path.join(out, "named")
write_trail(named, good_logs, fingerprint=NAMED)

def copy(name):
    dst = os.path.join(out, name)
    shutil.copytree(good, dst)
    return dst


def path(root, key):
    return os.path.join(root, key)


# altered: log 2 re-written with another event ID
d = copy("altered")
with open(path(d, log_key("2T0045", "AAAA000000000002")), "wb") as f:
    f.write(gz(log_bytes(9)))

# missing: log 3 deleted
d = copy("missing")
os.remove(path(d, log_key("2T0130", "AAAA000000000003")))

# extra: a log no digest lists, in the second hour, and one after the last digest
d = copy("extra")
for stamp, sx in (("2T0140", "BBBB000000000005"), ("2T0500", "BBBB000000000006")):
    with open(path(d, log_key(stamp, sx)), "wb") as f:
        f.write(gz(log_bytes(5)))

# chain: digest 2's previousDigestHashValue rewritten after signing
d = copy("chain")
p = path(d, digest_key(2))
with open(p, "rb") as f:
    obj = json.loads(gzip.decompress(f.read()))
obj["previousDigestHashValue"] = "0" * 64
with open(p, "wb") as f:
    f.write(gz(json.dumps(obj).encode()))

# badsig: log 2 altered, digest 1 rewritten to list its new hash, digests 2 and 3 made to
# agree (each previousDigestHashValue): the chain holds, but nothing can be re-signed
d = copy("badsig")
with open(path(d, log_key("2T0045", "AAAA000000000002")), "wb") as f:
    f.write(gz(log_bytes(9)))
p1 = path(d, digest_key(1))
with open(p1, "rb") as f:
    d1 = json.loads(gzip.decompress(f.read()))
d1["logFiles"][1]["hashValue"] = hashlib.sha256(log_bytes(9)).hexdigest()
plain1 = json.dumps(d1).encode()
with open(p1, "wb") as f:
    f.write(gz(plain1))
p2 = path(d, digest_key(2))
with open(p2, "rb") as f:
    d2 = json.loads(gzip.decompress(f.read()))
d2["previousDigestHashValue"] = hashlib.sha256(plain1).hexdigest()
plain2 = json.dumps(d2).encode()
with open(p2, "wb") as f:
    f.write(gz(plain2))
p3 = path(d, digest_key(3))
with open(p3, "rb") as f:
    d3 = json.loads(gzip.decompress(f.read()))
d3["previousDigestHashValue"] = hashlib.sha256(plain2).hexdigest()
with open(p3, "wb") as f:
    f.write(gz(json.dumps(d3).encode()))

# nosig: digest 1 signed with another key (the chain is written that way from the start)
d = os.path.join(out, "nosig")
write_trail(d, good_logs, lambda n, dd: other_priv if n == 1 else priv)

# nodigest: digest 2 deleted (its successor names it; a gap of an hour)
d = copy("nodigest")
os.remove(path(d, digest_key(2)))

# damaged: log 4's gzip stream cut short (its inflated bytes then cannot match)
d = copy("damaged")
p = path(d, log_key("2T0230", "AAAA000000000004"))
with open(p, "rb") as f:
    data = f.read()
with open(p, "wb") as f:
    f.write(data[:len(data) - 12])

# baddigest: digest 2 replaced by bytes that are not JSON (its listing is lost with it)
d = copy("baddigest")
with open(path(d, digest_key(2)), "wb") as f:
    f.write(gz(b'{"awsAccountId":"111122223333","logFiles":[{"s3Object":'))

# nohash: digest 3's only logFiles entry has a null hashValue (AWS always writes one): the
# digest is unreadable, its listing no evidence (log 4 uncovered)
d = copy("nohash")
p = path(d, digest_key(3))
with open(p, "rb") as f:
    obj = json.loads(gzip.decompress(f.read()))
obj["logFiles"][0]["hashValue"] = None
with open(p, "wb") as f:
    f.write(gz(json.dumps(obj).encode()))

# nobucket: digest 2 without digestS3Bucket (its times are read, then it is refused): the
# gap of digest 3 is measured from digest 1, the readable one before it
d = copy("nobucket")
p = path(d, digest_key(2))
with open(p, "rb") as f:
    obj = json.loads(gzip.decompress(f.read()))
del obj["digestS3Bucket"]
with open(p, "wb") as f:
    f.write(gz(json.dumps(obj).encode()))

# copies: a second download of log 1's key under another folder, with other content: both
# copies are judged against the listing (one ok, one altered), neither is unlisted
d = copy("copies")
p = os.path.join(d, "second-download", log_key("2T0030", "AAAA000000000001"))
os.makedirs(os.path.dirname(p))
with open(p, "wb") as f:
    f.write(gz(log_bytes(7)))
