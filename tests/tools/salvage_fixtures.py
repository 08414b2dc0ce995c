# Fixtures for tests/salvage.sh: each damaged or irregular file, made from small intact
# records, and a manifest of those records (fixture, eventID, exact bytes, damaged?) for the
# invariant checks. Usage: salvage_fixtures.py DIR
import gzip, json, os, struct, sys, zlib
d = sys.argv[1]
os.makedirs(d, exist_ok=True)
man = []

def rec(eid, extra=""):
    return ('{"eventVersion":"1.08","eventTime":"2026-03-02T10:00:00Z","eventSource":"iam.amazonaws.com",'
            '"eventName":"GetUser","eventID":"%s"%s}' % (eid, extra)).encode()

def write(name, data, records, lost=()):
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)
    for r in records:
        eid = json.loads(r.decode("utf-8", "replace").replace("\x00", ""), strict=False)["eventID"] if b"\x00" not in r else None
        rep = r.decode("utf-8", "replace").replace("\n", "\\u000a").encode()
        man.append((name, eid or "", r.hex().upper(), 1 if eid in lost or eid is None else 0, rep.hex().upper()))

def records_file(rs, sep=b","):
    return b'{"Records":[' + sep.join(rs) + b']}'

A, B, C, D = rec("a"), rec("b"), rec("c"), rec("d")
# 1. notes only: duplicate keys (escaped spelling, nested), control byte, invalid UTF-8, trailing comma
write("dupkey.json", records_file([A1 := rec("a", ',"eventNam\\u0065":"DeactivateMFADevice"'), B]), [A1, B])
write("dupkey_nested.json", records_file([A2 := rec("a", ',"requestParameters":{"x":1,"y":{"k":1,"k":2}}'), B]), [A2, B])
write("ctrl.json", records_file([A3 := rec("a", ',"userAgent":"a\nb"'), B]), [A3, B])
write("badutf8.json", records_file([rec("a", ',"userAgent":"aQb"').replace(b"aQb", b"a\xffb"), B]), [rec("a", ',"userAgent":"aQb"').replace(b"aQb", b"a\xffb"), B])
write("trailing_comma.json", records_file([A, B]) .replace(b"]}", b",]}"), [A, B])
# 3. damage: NUL, and a 0xFF block from inside one record's string into the next's
write("nul.json", records_file([rec("a", ',"userAgent":"a\x00b"'), B]), [B])
x = records_file([A, B, C]); s = x.index(b'GetUser', x.index(b'"eventID":"a"') - 40); e = x.index(b'GetUser', x.index(b'"eventID":"b"') - 40) + 3
write("fill_ff.json", x[:s] + b"\xff" * (e - s) + x[e:], [A, B, C], lost=("a", "b"))
x = records_file([A, B, C]); write("fill_nul.json", x[:s] + b"\x00" * (e - s) + x[e:], [A, B, C], lost=("a", "b"))
# 4. classification by content
write("ndjson_digest_first.jsonl", rec("a", ',"digestStartTime":"x"') + b"\n" + B + b"\n", [rec("a", ',"digestStartTime":"x"'), B])
write("ndjson_records_key.jsonl", rec("a", ',"Records":[%s]' % C.decode()) + b"\n" + B + b"\n", [rec("a", ',"Records":[%s]' % C.decode()), B])
write("records_twice.json", b'{"Records":[' + A + b'],"Records":[' + B + b']}', [A, B])
os.makedirs(os.path.join(d, "CloudTrail-Digest"), exist_ok=True)
write("CloudTrail-Digest/log.json", records_file([A]), [A])
write("digest.json", b'{"awsAccountId":"1","digestStartTime":"x","logFiles":[]}', [])
# 5. invented records: a record nested in a damaged record
inner = rec("nested")
bad = rec("x", ',"requestParameters":{"items":[%s,%s]}' % (inner.decode(), rec("nested2").decode())).replace(b'"eventTime"', b'"eventTime" 1', 1)
write("nested_in_damaged.json", records_file([A, bad, B]), [A, B])
# 5b. a missing chunk: record b cut after "items":[ so c and d become its items
cut = rec("b", ',"requestParameters":{"items":[')[:-1].replace(b"[}", b"[")
cut = b'{"eventVersion":"1.08","eventName":"GetUser","eventID":"b","items":['
write("swallow.json", b'{"Records":[' + A + b"," + cut + C + b"," + D + b"]}", [A, C, D])
# 6. separators
write("flipped_comma.json", records_file([A, B, C]).replace(A + b",", A + b"X"), [A, B, C])
write("bom_concat.jsonl", b"\xef\xbb\xbf" + A + b"\n" + b"\xef\xbb\xbf" + B + b"\n", [A, B])
many = [rec("z%02d" % k) for k in range(40)]
x = records_file(many)
write("zero_head.json", b"\x00" * 4096 + x[4096:], many,
      lost=tuple("z%02d" % k for k in range(40) if x.index(many[k]) < 4096))
def member(data, fhcrc=False):
    if not fhcrc: return gzip.compress(data, mtime=0)
    hdr = b"\x1f\x8b\x08\x02" + b"\x00" * 4 + b"\x00\xff"
    crc = struct.pack("<H", (zlib.crc32(hdr) & 0xFFFF) ^ 0x1234)
    co = zlib.compressobj(9, zlib.DEFLATED, -15); body = co.compress(data) + co.flush()
    return hdr + crc + body + struct.pack("<II", zlib.crc32(data), len(data))
m1, m2, m3 = member(records_file([A])), member(records_file([B])), member(records_file([C]))
m2 = m2[:12] + bytes([m2[12] ^ 0xff]) + m2[13:20] + b"\xff" * 8 + m2[28:]
write("multi_member.json.gz", m1 + m2 + m3, [A, B, C], lost=("b",))
write("fhcrc.json.gz", member(records_file([A]), fhcrc=True), [A])
with open(os.path.join(d, "..", "manifest.tsv"), "w") as f:
    for m in man: f.write("\t".join(str(v) for v in m) + "\n")
