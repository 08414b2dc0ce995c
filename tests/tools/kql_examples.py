"""Compile every kuery rule of the packs with kql_match(); for those that compile, build
records from the query's own tree (a must-match record and near misses) and check them.
The tree walk here is a test-only, deliberately small KQL reader: it understands the
constructs the packs use; a rule it cannot walk is reported, not skipped silently.

Run as a script (tests/kql_rules.sh): kql_examples.py EXT RULES_DIR. Imported as a module
(tests/tools/detect_examples.py): connect(), must_match(), near_misses(), CannotBuild."""
import glob, json, os, re, sqlite3, sys


class CannotBuild(Exception):
    """The test cannot write a record for this query; the message says why."""


def connect(ext):
    db = sqlite3.connect(":memory:")
    db.enable_load_extension(True)
    db.load_extension(os.path.abspath(ext))
    db.enable_load_extension(False)
    return db


def kql_match(db, q, rec):
    return db.execute("SELECT kql_match(?, ?)", (q, json.dumps(rec))).fetchone()[0]

# ECS field -> how to write a value into a raw record (the inverse of ecs.c, for tests).
def put(rec, path, val):
    cur = rec
    for k in path[:-1]:
        cur = cur.setdefault(k, {})
    cur[path[-1]] = val

RAW = {
    "event.action": ["eventName"], "event.provider": ["eventSource"],
    "cloud.region": ["awsRegion"], "source.address": ["sourceIPAddress"],
    "source.ip": ["sourceIPAddress"], "user_agent.original": ["userAgent"],
    "user.id": ["userIdentity", "principalId"], "user.name": ["userIdentity", "userName"],
    "cloud.account.id": ["userIdentity", "accountId"],
    "aws.cloudtrail.error_code": ["errorCode"],
    "aws.cloudtrail.user_identity.type": ["userIdentity", "type"],
    "aws.cloudtrail.user_identity.arn": ["userIdentity", "arn"],
    "aws.cloudtrail.user_identity.access_key_id": ["userIdentity", "accessKeyId"],
    "aws.cloudtrail.user_identity.invoked_by": ["userIdentity", "invokedBy"],
    "aws.cloudtrail.user_identity.session_context.session_issuer.type":
        ["userIdentity", "sessionContext", "sessionIssuer", "type"],
    "aws.cloudtrail.user_identity.session_context.session_issuer.arn":
        ["userIdentity", "sessionContext", "sessionIssuer", "arn"],
    "aws.cloudtrail.session_credential_from_console": ["sessionCredentialFromConsole"],
    "tls.client.server_name": ["tlsDetails", "clientProvidedHostHeader"],
}

# boolean ECS fields: raw path, the raw value for true, for false
BOOL_RAW = {
    "aws.cloudtrail.console_login.additional_eventdata.mfa_used":
        (["additionalEventData", "MFAUsed"], "Yes", "No"),
}

KEYWORDS = ("and", "or", "not")

def tokens(q):
    raw = re.findall(r'"(?:\\.|[^"\\])*"|\(|\)|(?:\\.|[^\s():"])+(?::)?|:', q)
    out = []
    for t in raw:                        # an unquoted value may hold spaces: *S3 Browser*
        plain = lambda x: x not in "()" and x[0] != '"' and x.lower() not in KEYWORDS \
            and not x.endswith(":")
        if out and plain(t) and plain(out[-1]) and len(out) > 1 and out[-2] != ":":
            out[-1] += " " + t
        else:
            out.append(t)
    return out

class Walk:
    """A tiny reader for the packs' queries: conjunctions of field:value(s) terms, whose
    positive single-field terms it can satisfy. Returns (record, [(field, value)])."""
    def __init__(self, q):
        self.t = tokens(q); self.i = 0
    def parse(self):
        return self.orq()
    def peek(self):
        return self.t[self.i].lower() if self.i < len(self.t) else None
    def orq(self):
        l = [self.andq()]
        while self.peek() == "or":
            self.i += 1; l.append(self.andq())
        return ("or", l) if len(l) > 1 else l[0]
    def andq(self):
        l = [self.notq()]
        while self.peek() == "and":
            self.i += 1; l.append(self.notq())
        return ("and", l) if len(l) > 1 else l[0]
    def notq(self):
        if self.peek() == "not":
            self.i += 1; return ("not", self.sub())
        return self.sub()
    def sub(self):
        if self.peek() == "(":
            self.i += 1; e = self.orq(); self.i += 1; return e
        f = self.t[self.i]; self.i += 1
        if not f.endswith(":"):
            self.i += 1; f = f
        f = f.rstrip(":")
        return ("field", f, self.values())
    def values(self):
        if self.peek() == "(":
            self.i += 1; e = self.vor(); self.i += 1; return e
        v = self.t[self.i]; self.i += 1; return ("v", v)
    def vor(self):
        l = [self.vand()]
        while self.peek() == "or":
            self.i += 1; l.append(self.vand())
        return ("or", l) if len(l) > 1 else l[0]
    def vand(self):
        l = [self.vnot()]
        while self.peek() == "and":
            self.i += 1; l.append(self.vnot())
        return ("and", l) if len(l) > 1 else l[0]
    def vnot(self):
        if self.peek() == "not":
            self.i += 1; return ("not", self.values())
        return self.values()

def literal(v):
    """A value satisfying the literal v (quoted exact, or an unquoted pattern)."""
    if v.startswith('"'):
        return json.loads(v)
    v = re.sub(r'\\(.)', r'\1', v.replace("\\*", "\0")).replace("*", "X").replace("\0", "*")
    return v

def satisfy(e, rec, req):
    """Fill rec so that e holds; only positive terms, first alternative. Raises CannotBuild."""
    if e[0] == "and":
        return all(satisfy(x, rec, req) for x in e[1])
    if e[0] == "or":
        return satisfy(e[1][0], rec, req)
    if e[0] == "not":
        return True                      # absent fields satisfy negations
    f, v = e[1], e[2]
    if f in ("event.dataset", "data_stream.dataset"):
        return True
    only = v[0] == "v"                   # a single value, no alternatives
    if v[0] == "and":                    # every conjunct: only a map text can hold them all
        if f != "aws.cloudtrail.request_parameters" or any(x[0] != "v" for x in v[1]):
            raise CannotBuild("field %s: a conjunction of values" % f)
        return all(satisfy(("field", f, x), rec, req) for x in v[1])
    while v[0] == "or":                  # first alternative
        v = v[1][0]
    if v[0] != "v":
        raise CannotBuild("field %s: a negated value list" % f)
    val = literal(v[1])
    if f == "event.outcome":
        if val == "failure":
            rec.setdefault("errorCode", "AccessDenied")
        if only:
            req.append((f, val))
        return True
    for flat, raw in (("request_parameters", "requestParameters"), ("response_elements", "responseElements")):
        if f.startswith("aws.cloudtrail.flattened.%s." % flat):
            put(rec, [raw] + f.split(".")[4:], val); req.append((f, val)); return True
    if f == "aws.cloudtrail.request_parameters":
        # a Java map text "{k=v, ...}": a pattern *...* is inside the text of a member whose
        # value is the pattern's literal; other patterns are not inverted here
        if v[1].startswith('"') or not (v[1].startswith("*") and v[1].endswith("*")):
            raise CannotBuild("field %s: only *...* patterns of its Java map text are inverted" % f)
        params = rec.setdefault("requestParameters", {})
        params["example%d" % len(params)] = val
        req.append((f, val))
        return True
    if f in BOOL_RAW:
        put(rec, BOOL_RAW[f][0], BOOL_RAW[f][1] if val == "true" else BOOL_RAW[f][2])
        req.append((f, val))
        return True
    if f not in RAW:
        raise CannotBuild("field %s: no raw field for it in the test's table" % f)
    if f == "source.ip" and val == "X":
        val = "192.0.2.1"
    put(rec, RAW[f], val)
    req.append((f, val))
    return True

def must_match(q):
    """(record, [(field, value)]) for the query q: the fields its positive terms need."""
    rec, req = {}, []
    try:
        satisfy(Walk(q).parse(), rec, req)
    except (IndexError, ValueError):
        raise CannotBuild("the test's KQL reader cannot walk the query")
    return rec, req


def near_misses(rec, req):
    """[(why, record)]: rec changed in one way the query must notice."""
    misses = []
    if "eventName" in rec:
        misses.append(("action upper-cased", dict(rec, eventName=rec["eventName"].upper())))
        misses.append(("action lower-cased", dict(rec, eventName=rec["eventName"].lower())))
    if "eventSource" in rec:
        misses.append(("other provider", dict(rec, eventSource="other.amazonaws.com")))
    if ("event.outcome", "success") in req:
        misses.append(("failure outcome", dict(rec, errorMessage="denied")))
    if ("event.outcome", "failure") in req:
        misses.append(("success outcome", {k: v for k, v in rec.items()
                                           if k not in ("errorCode", "errorMessage")}))
    return [(why, m) for why, m in misses if m != rec]


def main():
    import tomllib
    ext, root = sys.argv[1], sys.argv[2]
    db = connect(ext)
    match = lambda q, rec: kql_match(db, q, rec)
    for pack in ("2024-04-18", "2026-08-21"):
        rules = []
        for path in sorted(glob.glob(os.path.join(root, pack, "*.toml"))):
            r = tomllib.load(open(path, "rb")).get("rule", {})
            if r.get("language") == "kuery":
                rules.append((os.path.basename(path), r["query"]))
        ok, fails, checked, unwalked = 0, [], 0, []
        for name, q in rules:
            try:
                match(q, {})
            except sqlite3.Error as e:
                fails.append((name, str(e)))
                continue
            ok += 1
            try:
                rec, req = must_match(q)
            except CannotBuild:
                unwalked.append(name)
                continue
            checked += 1
            if match(q, rec) != 1:
                print("  MUST MATCH failed: %s %s" % (name, json.dumps(rec)))
            for why, m in near_misses(rec, req):
                if match(q, m) != 0:
                    print("  NEAR MISS matched (%s): %s %s" % (why, name, json.dumps(m)))
        print("%s: %d kuery rules, %d compile, %d fail" % (pack, len(rules), ok, len(fails)))
        for name, why in fails:
            print("  %s: %s" % (name, why))
        print("  examples checked for %d compiled rules; not walked by the test: %s"
              % (checked, ", ".join(unwalked) or "none"))


if __name__ == "__main__":
    main()
