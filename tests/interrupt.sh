#!/bin/sh
# sqlite3_interrupt() and progress handlers stop scans that return no rows,
# cloudtrail_files, detect_mfa_deactivation and a GROUP BY whose rows the reader groups
# (the whole scan runs before its first row) over a generated corpus ("interrupted"), and
# scans over a corpus of 12,000 tiny files, which workers read in batches.
[ -x /usr/bin/python3 ] || { echo "no /usr/bin/python3"; exit 77; }
D=build/tmp/interrupt
[ -x build/generate ] || make -s build/generate >/dev/null || exit 1
build/generate $D --events 60000 --days 2 >/dev/null || exit 1
build/generate $D-tiny --events 60000 --days 1 --per-file 5 >/dev/null || exit 1
ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" /usr/bin/python3 - "$EXT" "$D" "$D-tiny" <<'PY'
import sqlite3, sys, threading, time
ext, path, tiny = sys.argv[1], sys.argv[2], sys.argv[3]
db = sqlite3.connect(":memory:", check_same_thread=False)
db.enable_load_extension(True)
db.load_extension(ext)
queries = [
  ("no-rows scan", "SELECT count(*) FROM cloudtrail(?) WHERE eventName = 'NoSuchEvent'"),
  ("no-rows scan, 1 thread", "SELECT count(*) FROM cloudtrail(?, 0, 1) WHERE eventName = 'NoSuchEvent'"),
  ("no-rows scan counting copies", "SELECT count(*) FROM cloudtrail(?) WHERE copy = 9"),
  ("cloudtrail_files", "SELECT count(*) FROM cloudtrail_files(?) WHERE status = 'none'"),
  ("detect_mfa_deactivation", "SELECT count(*) FROM detect_mfa_deactivation(?)"),
  ("grouped (GROUP BY eventName)", "SELECT eventName, count(*) FROM cloudtrail(?) GROUP BY eventName"),
  ("tiny files, 2 threads", "SELECT count(*) FROM cloudtrail(?, 0, 2) WHERE eventName = 'NoSuchEvent'"),
  ("tiny files, 4 threads", "SELECT count(*) FROM cloudtrail(?, 0, 4) WHERE eventName = 'NoSuchEvent'"),
]
def where(name):
    return tiny if name.startswith("tiny") else path
for name, q in queries:
    calls = [0]
    def handler():
        calls[0] += 1
        return 1
    db.set_progress_handler(handler, 1000)
    try:
        db.execute(q, (where(name),)).fetchall()
        print(name, "progress handler: not stopped")
    except sqlite3.OperationalError as e:
        print(name, "progress handler:", e, "| handler called:", calls[0] > 0)
    db.set_progress_handler(None, 0)
# an interrupt from another thread, once the scan is under way
for name, q in queries[:2] + queries[3:]:
    def stop():
        time.sleep(0.05)
        db.interrupt()
    t = threading.Thread(target=stop)
    t.start()
    try:
        db.execute(q, (where(name),)).fetchall()
        print(name, "interrupt: not stopped (finished first)")
    except sqlite3.OperationalError as e:
        print(name, "interrupt:", e)
    t.join()
PY
