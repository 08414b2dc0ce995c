"""Every supported KQL rule of both packs, run through detect() on records built from the
rule's own query (tests/detect_rules.sh). The rules come from the extension's own
cloudtrail_rules table, so nothing outside the repository is read.

For each rule, one file in TMP/PACK/ holds the records of one case, and
  SELECT event_id FROM detect('path:FILE') WHERE pack = PACK AND rule_id = RULE
must return exactly the event ids the case expects:
  query      the must-match record (kql_examples.must_match) and its near misses (wrong
             case, other provider, the other outcome) in one file: exactly the must-match
             record's eventID, once;
  threshold  `value` matching records (or as many as a cardinality needs, with distinct
             values) inside one run's lookback: one alert, on the newest of them; a second
             file with one record fewer: none;
  new_terms  a record, and one with the same terms a minute later: only the first.
A type runs only where detect() runs it (RUNS below, and threshold/new_terms only when
detect has the group_count column of the replay); the others are counted as "not run:
type X". A rule the test cannot write a record for is listed with the reason."""
import json, os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kql_examples as kx

T0 = 1772452800            # 2026-03-02T12:00:00Z: a multiple of every interval the packs use


def iso(t):
    import time
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def seconds(text, default):
    """'now-20m' / '5m' / '10s' / '1h' / '15d' -> seconds."""
    if not text:
        return default
    text = text.replace("now-", "")
    unit = {"s": 1, "m": 60, "h": 3600, "d": 86400}[text[-1]]
    return int(text[:-1]) * unit


class Case:
    """Records of one file and the event ids detect must return for them."""
    def __init__(self, what):
        self.what, self.records, self.want, self.why = what, [], [], {}


class Rule:
    def __init__(self, row, index):
        (self.pack, self.rule_id, self.file, self.type, self.query, self.frm, self.interval,
         self.threshold, self.new_terms) = row
        self.index = index
        self.n = 0

    def record(self, fields, t, why):
        """A whole CloudTrail record: the fields the query needs over a neutral base."""
        self.n += 1
        eid = "00000000-0000-4000-8000-%06d%06d" % (self.index, self.n)
        r = {"eventVersion": "1.08", "eventTime": iso(t), "eventName": "ExampleAction"}
        r.update(json.loads(json.dumps(fields)))
        r["eventID"] = eid
        return r, why


def query_cases(rule):
    rec, req = kx.must_match(rule.query)
    case = Case("must-match and near misses")
    good, _ = rule.record(rec, T0, "must match")
    case.records.append(good)
    case.want = [good["eventID"]]
    case.why[good["eventID"]] = "must match"
    for k, (why, miss) in enumerate(kx.near_misses(rec, req)):
        r, _ = rule.record(miss, T0 + 1 + k, why)
        case.records.append(r)
        case.why[r["eventID"]] = "near miss: " + why
    return [case]


def raw_path(f):
    """Where the test writes ECS field f in a raw record (None: nowhere)."""
    if f in kx.RAW:
        return kx.RAW[f]
    if f in ("aws.cloudtrail.request_parameters", "aws.cloudtrail.response_elements"):
        # the whole object's text (Java's Map.toString): one member of the test's own
        raw = "requestParameters" if "request" in f else "responseElements"
        return [raw, "testTerm"]
    for flat, raw in (("request_parameters", "requestParameters"), ("response_elements", "responseElements")):
        if f.startswith("aws.cloudtrail.flattened.%s." % flat):
            return [raw] + f.split(".")[4:]
    return None


RESOURCES = {"aws.cloudtrail.resources.arn": "ARN", "aws.cloudtrail.resources.account_id": "accountId",
             "aws.cloudtrail.resources.type": "type"}


def fill(rule, rec, fields, value):
    """Give rec each field (the query's own value when it sets one), or raise CannotBuild."""
    for f in fields:
        if f == "event.id":
            continue                    # every record has its own
        if f in RESOURCES:
            res = rec.setdefault("resources", [{}])
            res[0].setdefault(RESOURCES[f], value)
            continue
        path = raw_path(f)
        if path is None:
            raise kx.CannotBuild("%s field %s: no raw field for it in the test's table" % (rule.type, f))
        cur = rec
        for k in path[:-1]:
            cur = cur.get(k, {}) if isinstance(cur, dict) else {}
        if not isinstance(cur, dict) or path[-1] not in cur:
            kx.put(rec, path, "192.0.2.10" if f == "source.ip" else value)


def threshold_cases(rule):
    th = json.loads(rule.threshold)
    rec, _ = kx.must_match(rule.query)
    fill(rule, rec, th.get("field") or [], "group-a")
    lookback, interval = seconds(rule.frm, 360), seconds(rule.interval, 300)
    value = th["value"]
    card = (th.get("cardinality") or [None])[0]
    need = max(value, card["value"] if card else 0)
    if need >= min(lookback, interval):
        raise kx.CannotBuild("threshold: %d records do not fit in one run" % need)
    cases = []
    for what, count in (("%d records in one run" % need, need),
                        ("%d records, one short" % (need - 1), need - 1)):
        case = Case(what)
        for k in range(count):
            r = json.loads(json.dumps(rec))
            if card and card["field"] != "event.id":
                if raw_path(card["field"]) is None:
                    raise kx.CannotBuild("cardinality field %s: no raw field for it" % card["field"])
                kx.put(r, raw_path(card["field"]), "distinct-%d" % k)
            # T0 - count + k + 1 .. T0: inside the run at T0 only (count < interval)
            full, _ = rule.record(r, T0 - count + k + 1, what)
            case.records.append(full)
        case.want = [case.records[-1]["eventID"]] if count == need else []
        cases.append(case)
    return cases


def new_terms_cases(rule):
    nt = json.loads(rule.new_terms)
    rec, _ = kx.must_match(rule.query)
    fill(rule, rec, nt["value"], "term-a")
    case = Case("first of a combination, then the same a minute later")
    first, _ = rule.record(rec, T0, "first")
    again, _ = rule.record(rec, T0 + 60, "again")
    case.records = [first, again]
    case.want = [first["eventID"]]
    return [case]


BUILD = {"query": query_cases, "threshold": threshold_cases, "new_terms": new_terms_cases}


def main():
    ext, tmp = sys.argv[1], sys.argv[2]
    db = kx.connect(ext)
    cols = [r[1] for r in db.execute("SELECT * FROM pragma_table_xinfo('detect')")]
    runs = {"query"}
    if "group_count" in cols:      # the replay of threshold and new_terms rules is in detect
        runs |= {"threshold", "new_terms"}
    for pack in ("2024-04-18", "2026-08-21"):
        rows = db.execute(
            "SELECT pack, rule_id, file, type, query, \"from\", interval, threshold, new_terms "
            "FROM cloudtrail_rules WHERE pack = ? AND supported = 1 ORDER BY file", (pack,)).fetchall()
        unsupported = db.execute("SELECT count(*) FROM cloudtrail_rules WHERE pack = ? AND supported = 0",
                                 (pack,)).fetchone()[0]
        os.makedirs(os.path.join(tmp, pack), exist_ok=True)
        checked, not_run, unbuilt, failed = {}, {}, [], []
        for i, row in enumerate(rows, 1):
            rule = Rule(row, i)
            if rule.type not in runs:
                not_run[rule.type] = not_run.get(rule.type, 0) + 1
                continue
            try:
                cases = BUILD[rule.type](rule)
            except kx.CannotBuild as e:
                unbuilt.append((rule.file, str(e)))
                continue
            ok = True
            for c, case in enumerate(cases):
                path = os.path.join(tmp, pack, "%s.%d.json" % (rule.file[:-5], c))
                with open(path, "w") as f:
                    json.dump({"Records": case.records}, f)
                got = [r[0] for r in db.execute(
                    "SELECT event_id FROM detect('path:' || ?) WHERE pack = ? AND rule_id = ?",
                    (path, pack, rule.rule_id))]
                if got != case.want:
                    ok = False
                    failed.append("%s (%s): detect gave %s, wanted %s" % (
                        rule.file, case.what,
                        [case.why.get(g, g) for g in got] or "no alert",
                        [case.why.get(w, w) for w in case.want] or "no alert"))
            if ok:
                checked[rule.type] = checked.get(rule.type, 0) + 1
        print("%s: %d supported rules (%d unsupported, not run by detect)" % (pack, len(rows), unsupported))
        for t in [t for t in BUILD if any(r[3] == t for r in rows)]:
            if t in not_run:
                print("  not run: type %s (%d rules): detect does not run it yet" % (t, not_run[t]))
            else:
                print("  %s: %d rules checked through detect" % (t, checked.get(t, 0)))
        for name, why in unbuilt:
            print("  no record built: %s: %s" % (name, why))
        for line in failed:
            print("  FAIL %s" % line)


if __name__ == "__main__":
    main()
