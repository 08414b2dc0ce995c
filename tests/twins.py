"""Property test: a pushed-down query returns exactly the rows of its +column twin.

    twins.py EXT SEED N NAME=PATH [NAME=PATH ...]

For each corpus, reads every row once (nothing pushed down), then makes N random queries
from the values it holds (plus values it does not hold) over the columns the reader can push
down: string equalities and IN lists, event_epoch ranges, eventTime text ranges, copy,
cloudtrail_involves (against the OR of IN lists it stands for, pushed and called). Each
query runs twice: as written, and with every constrained column written `+column`, which
SQLite cannot hand to the virtual table, so the second run reads and checks every record
itself. The two must return the same rows (source_file, record_index) in the same order,
except that eventTime text bounds prune files on the delivery assumption read on the text
CloudTrail writes: there the pushed query may leave out only rows whose eventTime is not in
CloudTrail's form, and must return exactly the twin's rows with max_delivery_delay = 0.
Prints one line per corpus, then each mismatch with both row counts.
"""
import json
import random
import re
import sqlite3
import sys

STRING_COLS = ["eventName", "eventSource", "awsRegion", "recipientAccountId", "eventID",
               "account_id", "actor", "user_name"]
DECOYS = ["", "x", "us-east-1", "iam.amazonaws.com", "ConsoleLogin", "123", "true",
          "null", "{}", "DeactivateMFADevice", "111122223333", "\u00e9", "a\"b", "a\\b"]


def quote(v):
    return "'" + v.replace("'", "''") + "'"


def connect(ext):
    db = sqlite3.connect(":memory:")
    db.enable_load_extension(True)
    db.load_extension(ext)
    db.enable_load_extension(False)
    return db


def columns(db):
    return {r[1] for r in db.execute("SELECT * FROM pragma_table_xinfo('cloudtrail')")}


def make_query(rng, rows, cols, has_copy):
    """A random conjunction of 1..3 pushable constraints, as (terms, twin_terms)."""
    terms, twins = [], []
    kinds = ["str", "str", "in", "epoch", "time"] + (["copy"] if has_copy else [])
    for _ in range(rng.randint(1, 3)):
        kind = rng.choice(kinds)
        row = rng.choice(rows) if rows else {}
        if kind in ("str", "in"):
            col = rng.choice(STRING_COLS)
            pool = [r[col] for r in rows if isinstance(r[col], str)] or DECOYS
            if kind == "str":
                v = rng.choice(pool) if rng.random() < 0.8 else rng.choice(DECOYS)
                terms.append(f"{col} = {quote(v)}")
                twins.append(f"+{col} = {quote(v)}")
            else:
                vs = [rng.choice(pool) for _ in range(rng.randint(1, 3))] + [rng.choice(DECOYS)]
                lst = ", ".join(quote(v) for v in vs)
                terms.append(f"{col} IN ({lst})")
                twins.append(f"+{col} IN ({lst})")
        elif kind == "epoch":
            pool = [r["event_epoch"] for r in rows if r["event_epoch"] is not None] or [0]
            a, b = sorted((rng.choice(pool) + rng.randint(-3600, 3600),
                           rng.choice(pool) + rng.randint(-3600, 3600)))
            form = rng.choice(["between", ">=", "<", "=", "><"])
            if form == "between":
                terms.append(f"event_epoch BETWEEN {a} AND {b}")
                twins.append(f"+event_epoch BETWEEN {a} AND {b}")
            elif form == "=":
                v = rng.choice(pool)
                terms.append(f"event_epoch = {v}")
                twins.append(f"+event_epoch = {v}")
            elif form == "><":
                terms.append(f"event_epoch > {a} AND event_epoch <= {b}")
                twins.append(f"+event_epoch > {a} AND +event_epoch <= {b}")
            else:
                terms.append(f"event_epoch {form} {a}")
                twins.append(f"+event_epoch {form} {a}")
        elif kind == "time":
            pool = [r["eventTime"] for r in rows if isinstance(r["eventTime"], str)] or ["2026"]
            v = rng.choice(pool)
            cut = rng.choice([len(v), 10, 13, 16, 4])
            lo = v[:cut]
            hi = rng.choice(pool)[:rng.choice([10, 19, len(v)])]
            form = rng.choice([">=", "<", "range", "range"])
            if form == "range":
                terms.append(f"eventTime >= {quote(lo)} AND eventTime < {quote(hi)}")
                twins.append(f"+eventTime >= {quote(lo)} AND +eventTime < {quote(hi)}")
            else:
                terms.append(f"eventTime {form} {quote(lo)}")
                twins.append(f"+eventTime {form} {quote(lo)}")
        else:
            form = rng.choice(["copy = 1", "copy > 1", "copy IN (1, 2)", "copy = 2"])
            terms.append(form)
            twins.append("+" + form)
    return " AND ".join(terms), " AND ".join(twins)


def covering_queries(rng, rows, has_copy):
    """One query per pushable column, with a value the corpus holds, so that every pushed
    constraint is checked whatever the random draw."""
    out = []
    for col in STRING_COLS:
        pool = [r[col] for r in rows if isinstance(r[col], str)] or DECOYS
        v = quote(rng.choice(pool))
        out.append((f"{col} = {v}", f"+{col} = {v}"))
    pool = [r["event_epoch"] for r in rows if r["event_epoch"] is not None] or [0]
    a = rng.choice(pool)
    out.append((f"event_epoch BETWEEN {a - 3600} AND {a + 3600}",
                f"+event_epoch BETWEEN {a - 3600} AND {a + 3600}"))
    pool = [r["eventTime"] for r in rows if isinstance(r["eventTime"], str)] or ["2026"]
    day = quote(rng.choice(pool)[:10])
    out.append((f"eventTime >= {day} AND eventTime < {day} || 'T23:59:59Z'",
                f"+eventTime >= {day} AND +eventTime < {day} || 'T23:59:59Z'"))
    if has_copy:
        out.append(("copy = 1", "+copy = 1"))
    # cloudtrail_involves(record, identities): pushed to the reader, and as SQLite calls it
    # (+record), against the OR of IN lists it stands for
    for k in range(3):
        actors = sorted({r["actor"] for r in rows if isinstance(r["actor"], str)})
        users = sorted({(r["user_name"], r["account_id"]) for r in rows
                        if r["user_type"] == "IAMUser" and isinstance(r["user_name"], str)
                        and isinstance(r["account_id"], str)})
        a = rng.sample(actors, min(len(actors), k + 1)) + [DECOYS[k]]
        u = rng.sample(users, min(len(users), k)) + [(DECOYS[k + 1], "111122223333")]
        spec = json.dumps({"actor": a, "iam_user": [list(p) for p in u]})
        explicit = (f"(+actor IN ({', '.join(quote(v) for v in a)}) OR (+user_type = 'IAMUser'"
                    f" AND (+user_name, +account_id) IN "
                    f"(VALUES {', '.join(f'({quote(n)}, {quote(c)})' for n, c in u)})))")
        out.append((f"cloudtrail_involves(record, {quote(spec)})", explicit))
        out.append((f"cloudtrail_involves(+record, {quote(spec)})", explicit))
    # two constraints on one column must both hold (an IN list is one constraint)
    for col in ("eventSource", "eventName", "actor"):
        pool = sorted({r[col] for r in rows if isinstance(r[col], str)}) or DECOYS
        v, w = quote(rng.choice(pool)), quote(rng.choice(pool))
        out.append((f"{col} = {v} AND {col} IN ({w}, 'x')", f"+{col} = {v} AND +{col} IN ({w}, 'x')"))
        out.append((f"{col} = {v} AND {col} IN ({w}, {v})", f"+{col} = {v} AND +{col} IN ({w}, {v})"))
    # more string constraints than the reader takes (8): the rest are SQLite's to check
    row = rng.choice(rows) if rows else {}
    terms = [(c, row.get(c)) for c in STRING_COLS if isinstance(row.get(c), str)]
    many = [f"{c} = {quote(v)}" for c, v in terms] + [f"{c} IN ({quote(v)}, 'x')" for c, v in terms]
    if many:
        out.append((" AND ".join(many), " AND ".join("+" + t for t in many)))
    return out


TEXT_BOUND = re.compile(r"(^|[^+])eventTime [<>]")
CANONICAL = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z")


def canonical(t):
    """Is t an eventTime as CloudTrail writes it?"""
    return isinstance(t, str) and CANONICAL.fullmatch(t) is not None


def run(db, q):
    try:
        return db.execute(q).fetchall()
    except sqlite3.Error as e:
        return f"error: {e}"


def run_corpus(db, name, path, seed, n, has_copy):
    src = f"cloudtrail({quote(path)})"
    want = STRING_COLS + ["event_epoch", "eventTime", "user_type"]
    rows = [dict(zip(want, r)) for r in db.execute(f"SELECT {', '.join(want)} FROM {src}")]
    rng = random.Random(f"{seed}:{name}")
    bad = []
    nonempty = 0
    queries = covering_queries(rng, rows, has_copy) + [make_query(rng, rows, want, has_copy)
                                                      for _ in range(n)]
    outside = set()
    for where, twin in queries:
        threads = rng.choice(["", ", 0, 1", ", 0, 2"])
        src_q = f"cloudtrail({quote(path)}{threads})"
        q1 = f"SELECT source_file, record_index, eventTime FROM {src_q} WHERE {where}"
        q2 = f"SELECT source_file, record_index, eventTime FROM {src_q} WHERE {twin}"
        r1, r2 = run(db, q1), run(db, q2)
        if TEXT_BOUND.search(where) and isinstance(r1, list) and isinstance(r2, list):
            # eventTime text bounds prune on the delivery assumption read on CloudTrail's
            # own time text: the pushed rows are the twin's, less only rows whose eventTime
            # CloudTrail never writes; with max_delivery_delay = 0 (no time pruning), all
            missed = [r for r in r2 if r not in r1]
            if [r for r in r2 if r in r1] != r1 or any(canonical(r[2]) for r in missed):
                bad.append((where, r1, r2))
                continue
            outside.update((r[0], r[1]) for r in missed)
            r1 = run(db, q1.replace(src_q, f"cloudtrail({quote(path)}, 0, 1, 0)"))
        if r1 != r2:
            bad.append((where, r1, r2))
        elif isinstance(r1, list) and r1:
            nonempty += 1
    print(f"{name}: {len(rows)} records, {len(queries)} query pairs ({nonempty} with rows), "
          f"{len(bad)} differ")
    if outside:
        print(f"  {len(outside)} records left out by eventTime text pruning (an eventTime "
              f"CloudTrail never writes; all read with max_delivery_delay = 0)")
    for where, r1, r2 in bad[:10]:
        c1 = len(r1) if isinstance(r1, list) else r1
        c2 = len(r2) if isinstance(r2, list) else r2
        print(f"  DIFFERS: WHERE {where}: pushed {c1} rows, +column {c2} rows")
    return not bad


def main():
    ext, seed, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    db = connect(ext)
    has_copy = "copy" in columns(db)
    ok = True
    for arg in sys.argv[4:]:
        name, path = arg.split("=", 1)
        ok = run_corpus(db, name, path, seed, n, has_copy) and ok
    sys.exit(0 if ok else 1)


main()
