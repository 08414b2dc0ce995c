# Every column of cloudtrail_rules, for every rule of both packs, equals what Python's
# tomllib reads from the vendored file (ext/rules/elastic-aws/PACK/FILE), mapped as the
# README says: strings and integers as they are, lists and tables as JSON, the MITRE ids,
# names and references as ", "-separated lists in the file's order, `version` from
# [metadata] updated_date, absent keys as NULL. This checks the embedding, the TOML reader and
# the mapping end to end. Skips (exit 77) where /usr/bin/python3 (3.11+, tomllib) is absent.
py=/usr/bin/python3
ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0"   # Python itself, under make asan-test
export ASAN_OPTIONS
[ -x $py ] || { echo "no /usr/bin/python3"; exit 77; }
$py -c 'import tomllib' 2>/dev/null || { echo "python3 has no tomllib (3.11+)"; exit 77; }
"$py" - "$EXT" <<'PY'
import json, sqlite3, sys, tomllib
db = sqlite3.connect(":memory:")
db.enable_load_extension(True)
db.load_extension(sys.argv[1])
db.enable_load_extension(False)
cur = db.execute("SELECT * FROM cloudtrail_rules WHERE pack <> 'builtin' ORDER BY rowid")
cols = [d[0] for d in cur.description]
rows = cur.fetchall()

def js(v):
    return None if v is None else json.dumps(v, ensure_ascii=False)

def mitre(rule, technique, field):
    out = []
    for t in rule.get("threat", []):
        if not technique:
            v = t.get("tactic", {}).get(field)
            vs = [v] if v is not None else []
        else:
            vs = []
            for te in t.get("technique", []):
                if field in te: vs.append(te[field])
                vs += [st[field] for st in te.get("subtechnique", []) if field in st]
        out += [v for v in vs if v not in out]
    return ", ".join(out) if out else None

def supported(rule, got):
    if rule.get("type") == "machine_learning": return 0, "machine_learning"
    lang = rule.get("language")
    if lang == "kuery":
        # decided by the KQL compiler (tests/kql_rules.sh checks it rule by rule): here only
        # that a refusal names the field that cannot be filled offline
        why = got["unsupported_reason"]
        if got["supported"] == 0 and why and why.startswith("field "):
            return 0, why
        return 1, None
    return 0, lang

checked = bad = 0
packs = {}
for row in rows:
    got = dict(zip(cols, row))
    path = f"ext/rules/elastic-aws/{got['pack']}/{got['file']}"
    with open(path, "rb") as f:
        doc = tomllib.load(f)
    r = doc["rule"]
    sup, why = supported(r, got)
    want = {
        "rule_id": r.get("rule_id"), "name": r.get("name"),
        "version": doc["metadata"].get("updated_date"), "description": r.get("description"),
        "severity": r.get("severity"), "risk_score": r.get("risk_score"), "query": r.get("query"),
        "language": r.get("language"), "from": r.get("from"), "interval": r.get("interval"),
        "timestamp_override": r.get("timestamp_override"), "index_patterns": js(r.get("index")),
        "tactic_id": mitre(r, 0, "id"), "tactic_name": mitre(r, 0, "name"),
        "tactic_reference": mitre(r, 0, "reference"), "technique_id": mitre(r, 1, "id"),
        "technique_name": mitre(r, 1, "name"), "technique_reference": mitre(r, 1, "reference"),
        "false_positives": js(r.get("false_positives")), "references": js(r.get("references")),
        "note": r.get("note"), "author": js(r.get("author")), "license": r.get("license"),
        "pack": got["pack"], "type": r.get("type"), "file": got["file"],
        "threat": js(r.get("threat")), "threshold": js(r.get("threshold")),
        "new_terms": js(r.get("new_terms")), "supported": sup, "unsupported_reason": why,
    }
    if set(want) != set(cols):
        print("columns:", sorted(set(cols) ^ set(want))); sys.exit(1)
    for c in cols:
        checked += 1
        if got[c] != want[c] or type(got[c]) is not type(want[c]):
            bad += 1
            print(f"{got['pack']}/{got['file']}: {c}: {got[c]!r} != {want[c]!r}"[:300])
    packs[got["pack"]] = packs.get(got["pack"], 0) + 1
print("rules per pack:", packs)
print(f"{checked} values checked ({len(cols)} columns), {bad} differ from tomllib")
PY
