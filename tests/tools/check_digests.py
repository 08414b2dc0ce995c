#!/usr/bin/env python3
"""Check the digest files under ROOT/AWSLogs as AWS's documentation says a validator should,
without the extension (an independent check of data/generate.c, for tests/digests.sh):
every listed log file's hashValue is the SHA-256 of its uncompressed bytes (or it is absent),
every previousDigestHashValue the SHA-256 of the previous digest's uncompressed bytes, and
every previousDigestSignature verifies (openssl dgst -verify, the PEM public key KEY) over the
previous digest's data signing string:
  digestEndTime \\n digestS3Bucket/digestS3Object \\n hex SHA-256 of its uncompressed bytes
  \\n its own previousDigestSignature ('null' for the first)
Prints one line of counts."""
import glob, gzip, hashlib, json, os, subprocess, sys, tempfile

root, key = sys.argv[1], sys.argv[2]
def plain(p):
    with open(p, "rb") as f:
        b = f.read()
    return gzip.decompress(b) if b[:2] == b"\x1f\x8b" else b

digests = {}
for p in glob.glob(os.path.join(root, "AWSLogs/*/CloudTrail-Digest/**/*.json*"), recursive=True):
    b = plain(p)
    digests[p[p.index("AWSLogs/"):]] = (b, json.loads(b))
ok = absent = bad = links = sigs = badsig = 0
with tempfile.TemporaryDirectory() as tmp:
    for k, (b, d) in sorted(digests.items()):
        for lf in d["logFiles"]:
            p = os.path.join(root, lf["s3Object"])
            if not os.path.exists(p):
                absent += 1
            elif hashlib.sha256(plain(p)).hexdigest() == lf["hashValue"]:
                ok += 1
            else:
                bad += 1
        prev = d.get("previousDigestS3Object")
        if not prev:
            continue
        pb, pd = digests[prev]
        links += hashlib.sha256(pb).hexdigest() == d["previousDigestHashValue"]
        msg = "%s\n%s/%s\n%s\n%s" % (pd["digestEndTime"], pd["digestS3Bucket"], pd["digestS3Object"],
                                     hashlib.sha256(pb).hexdigest(), pd["previousDigestSignature"] or "null")
        with open(os.path.join(tmp, "m"), "w") as f:
            f.write(msg)
        with open(os.path.join(tmp, "s"), "wb") as f:
            f.write(bytes.fromhex(d["previousDigestSignature"]))
        r = subprocess.run(["openssl", "dgst", "-sha256", "-verify", key, "-signature",
                            os.path.join(tmp, "s"), os.path.join(tmp, "m")],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if r.returncode == 0:
            sigs += 1
        else:
            badsig += 1
print(f"{len(digests)} digests; log files: {ok} hash ok, {bad} hash differs, {absent} absent; "
      f"{links} previousDigestHashValue ok; signatures: {sigs} verified, {badsig} not")
