"""toml_compare.py DUMP FILE...: compare ext/toml.c's JSON (DUMP, lines "NAME: JSON" from
tests/tools/toml_dump.c, one per FILE in the same order) with Python's tomllib on each FILE.
Prints one line per file that differs (the first differing path) and a summary line."""
import json, sys, tomllib

def first_diff(a, b, path="$"):
    if type(a) is not type(b):
        return f"{path}: {type(a).__name__} vs {type(b).__name__}"
    if isinstance(a, dict):
        if list(a) != list(b):
            return f"{path}: keys {list(a)} vs {list(b)}"
        for k in a:
            d = first_diff(a[k], b[k], f"{path}.{k}")
            if d: return d
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} vs {len(b)} elements"
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_diff(x, y, f"{path}[{i}]")
            if d: return d
        return None
    return None if a == b else f"{path}: {a!r} vs {b!r}"

lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
files = sys.argv[2:]
bad = 0
for line, path in zip(lines, files):
    name, _, js = line.partition(": ")
    with open(path, "rb") as f:
        want = tomllib.load(f)
    if js.startswith("error: "):
        print(f"{name}: ext/toml.c refused it: {js}"); bad += 1; continue
    d = first_diff(json.loads(js), want)   # mine first, tomllib's second
    if d:
        print(f"{name}: differs at {d}"); bad += 1
print(f"{len(files)} files, {len(lines)} parsed, {bad} differ from tomllib")
