#!/usr/bin/python3
"""The incident report: one self-contained HTML page per alert of Elastic's rule "AWS IAM
Deactivation of MFA Device", and an index page, from CloudTrail logs.

    /usr/bin/python3 tools/report.py data/AWSLogs -o build/report
    /usr/bin/python3 tools/report.py case.db -o report --tz Europe/Berlin --csv --jsonl

PATH is a folder (a file, a glob) of raw logs, or a SQLite database cloudtrail_import wrote
(its table `trail`, or --table NAME; opened read-only). Every fact on the pages comes from the
extension's tables and the views of sql/investigate.sql; this script only draws them. It is
also the example of embedding the extension: Python's standard library only (Debian's
/usr/bin/python3 can load extensions), no network, nothing fetched by the pages.
"""
import argparse, csv, hashlib, html, json, os, re, sqlite3, sys, urllib.parse
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The views written beside each page by --csv / --jsonl: file suffix -> view.
WINDOWS = {"window_48h": "mfa_alert_window_48h", "window_24h": "mfa_alert_window_24h",
           "scope_24h": "mfa_alert_scope_24h", "other_alerts_48h": "mfa_alert_other_alerts_48h",
           "window_24h_origin": "mfa_alert_window_24h_origin"}


# ---------------------------------------------------------------- the database
def sql_literal(s):
    return "'" + s.replace("'", "''") + "'"


def sql_name(s):
    return '"' + s.replace('"', '""') + '"'


def open_case(args):
    """A connection whose `trail` is the logs or the case file, with the views read in."""
    with open(args.path, "rb") if os.path.isfile(args.path) else open(os.devnull, "rb") as f:
        is_db = f.read(16) == b"SQLite format 3\x00"
    if is_db:
        uri = "file:%s?mode=ro" % urllib.parse.quote(os.path.abspath(args.path))
        db = sqlite3.connect(uri, uri=True)
    else:
        db = sqlite3.connect(":memory:")
    db.enable_load_extension(True)
    db.load_extension(args.ext)
    db.enable_load_extension(False)
    if not is_db:
        db.execute("CREATE VIRTUAL TABLE temp.trail USING cloudtrail(%s)" % sql_literal(args.path))
    elif args.table != "trail":
        # a view: sql/investigate.sql then takes the files' branch (the same rows; its
        # index-driven case-file branch needs the table itself, named trail)
        db.execute("CREATE TEMP VIEW trail AS SELECT * FROM main.%s" % sql_name(args.table))
    with open(args.sql, encoding="utf-8") as f:
        db.executescript(f.read())
    digests = args.digests if args.digests is not None else (None if is_db else args.path)
    if digests:
        db.execute("CREATE TEMP TABLE trail_digests AS SELECT * FROM cloudtrail_digests(?, ?)",
                   (digests, args.keys))
    return db, is_db, bool(digests)


def rows(db, sql, *params):
    cur = db.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur]


def by_alert(db, view):
    """Every row of a view, grouped by alert_id (one query for all alerts)."""
    out = {}
    for r in rows(db, "SELECT * FROM %s" % view):
        out.setdefault(r["alert_id"], []).append(r)
    return out


def file_sha256(db, is_db, table, path, cache={}):
    if path not in cache:
        if is_db:   # the case file's custody manifest hashed the file when it was imported
            r = db.execute("SELECT sha256 FROM main.%s WHERE path = ?" % sql_name(table + "_files"),
                           (path,)).fetchone()
            cache[path] = r[0] if r else "not in the manifest"
        else:
            try:
                with open(path, "rb") as f:
                    cache[path] = hashlib.file_digest(f, "sha256").hexdigest()
            except OSError as e:
                cache[path] = "unreadable: %s" % e.strerror
    return cache[path]


# ---------------------------------------------------------------- text, safely
# Bidi overrides and isolates (and other invisible controls) could make text read differently
# from what it is: they are shown as visible escapes.
HIDDEN = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\x00-\x08\x0b-\x1f\x7f]")


def visible(s):
    return HIDDEN.sub(lambda m: "\\u%04x" % ord(m.group()), s)


def esc(v, cap=2000):
    """Any value, as escaped HTML text (for attributes too), at most cap characters (None: all).
    Long values are cut: a browser lays out a line of 100,000 characters without a break
    point very slowly (seconds); the raw record, in its <pre>, is the only thing kept whole."""
    s = "" if v is None else str(v)
    if cap and len(s) > cap:
        s = s[:cap] + "\u2026 (%d more characters)" % (len(s) - cap)
    return html.escape(visible(s), quote=True)


def when(epoch, tz):
    """2026-03-02 14:05:09 UTC+00:00, and the same moment in the --tz zone."""
    if epoch is None:
        return "unknown time"
    t = datetime.fromtimestamp(epoch, timezone.utc)
    s = t.strftime("%Y-%m-%d %H:%M:%S UTC+00:00")
    if tz:
        lt = t.astimezone(tz)
        off = lt.strftime("%z")
        s += " / %s %s UTC%s:%s" % (lt.strftime("%Y-%m-%d %H:%M:%S"), tz.key, off[:3], off[3:])
    return s


INLINE = re.compile(r"`([^`]+)`|\[([^\]]+)\]\(([^)\s]+)\)|\*\*(.+?)\*\*")


def md_inline(s):
    out, pos = [], 0
    for m in INLINE.finditer(s):
        out.append(esc(s[pos:m.start()], None))
        code, text, href, strong = m.groups()
        if code is not None:
            out.append("<code>%s</code>" % esc(code))
        elif text is not None:
            if re.match(r"(https?|mailto):", href):
                out.append('<a href="%s">%s</a> <span class="href">(%s)</span>'
                           % (esc(href), esc(text), esc(href)))
            else:
                out.append("%s (%s)" % (esc(text), esc(href)))
        else:
            out.append("<strong>%s</strong>" % md_inline(strong))
        pos = m.end()
    out.append(esc(s[pos:], None))
    return "".join(out)


def markdown(text):
    """The rules' notes: headings, paragraphs, nested lists, code, links; everything escaped."""
    out, para, lists, fence = [], [], [], None   # lists: [indent, tag] from the outermost

    def flush():
        if para:
            out.append("<p>%s</p>" % md_inline(" ".join(para)))
            para.clear()

    def close(indent=-1):
        while lists and lists[-1][0] > indent:
            out.append("</li></%s>" % lists.pop()[1])

    for line in (text or "").splitlines():
        if fence is not None:
            if line.strip().startswith("```"):
                out.append("<pre><code>%s</code></pre>" % esc("\n".join(fence), None))
                fence = None
            else:
                fence.append(line)
            continue
        head = re.match(r"(#{1,6})\s+(.*)", line)
        item = re.match(r"(\s*)([-*+]|\d+[.)])\s+(.*)", line)
        if line.strip().startswith("```"):
            flush(); close(); fence = []
        elif not line.strip():
            flush()
        elif head:
            flush(); close()
            level = min(6, len(head.group(1)) + 1)
            out.append("<h%d>%s</h%d>" % (level, md_inline(head.group(2)), level))
        elif item:
            flush()
            indent, tag = len(item.group(1)), "ol" if item.group(2)[0].isdigit() else "ul"
            close(indent)
            if lists and lists[-1][0] == indent and lists[-1][1] != tag:
                close(indent - 1)
            if lists and lists[-1][0] == indent:
                out.append("</li><li>")
            else:
                out.append("<%s><li>" % tag)
                lists.append([indent, tag])
            out.append(md_inline(item.group(3)))
        elif lists and line.startswith(" "):
            out.append(" " + md_inline(line.strip()))
        else:
            close(); para.append(line.strip())
    flush(); close()
    if fence is not None:
        out.append("<pre><code>%s</code></pre>" % esc("\n".join(fence), None))
    return "\n".join(out)


LONG = {"event_names", "source_addresses", "resources", "user_agent", "files", "actor"}


def table(rs, cols, cap=300):
    """An HTML table of some columns of rows: cols is [(column, heading)]."""
    if not rs:
        return '<p class="none">None.</p>'
    head = "".join("<th>%s</th>" % esc(h) for _, h in cols)
    body = "".join("<tr>%s</tr>" % "".join(
        ('<td class="long">%s</td>' if c in LONG else "<td>%s</td>") % esc(r[c], cap) for c, _ in cols)
        for r in rs)
    return "<table><thead><tr>%s</tr></thead><tbody>%s</tbody></table>" % (head, body)


# ---------------------------------------------------------------- the timeline
def timeline(alert, events, tz):
    """The +-24-hour window as SVG: a lane per subject (actor, target, origin), one mark per
    event, coloured by outcome, hover text in its <title>; the alert is a line at 0."""
    width, left, right, lane_h, top = 1200, 110, 44, 78, 26
    lanes = ["actor", "target", "origin"]
    names = {"actor": alert["actor"], "target": alert["target_user"],
             "origin": next((e["origin_arn"] for e in events if e.get("origin_arn")), None)}
    height = top + lane_h * len(lanes) + 30
    span = width - left - right

    def x(offset):
        return left + (offset + 86400) * span / 172800

    svg = ['<svg class="timeline" viewBox="0 0 %d %d" width="%d" height="%d" role="img" '
           'aria-label="Events from 24 hours before the alert to 24 hours after">'
           % (width, height, width, height)]
    for i, lane in enumerate(lanes):
        y = top + i * lane_h
        svg.append('<rect class="lane" x="%d" y="%d" width="%d" height="%d"/>'
                   % (left, y + 2, span, lane_h - 4))
        svg.append('<text class="lane-name" x="4" y="%d">%s</text>' % (y + 30, lane))
        svg.append('<text class="lane-who" x="4" y="%d">%s</text>'
                   % (y + 46, esc(names[lane] and names[lane].rsplit("/", 1)[-1], 14)))
    for h in range(-24, 25, 6):   # the axis: every 6 hours, in UTC
        svg.append('<line class="tick" x1="%.1f" x2="%.1f" y1="%d" y2="%d"/>'
                   % (x(h * 3600), x(h * 3600), top, height - 28))
        t = alert["event_epoch"] + h * 3600
        svg.append('<text class="tick-label" x="%.1f" y="%d">%+dh %s</text>'
                   % (x(h * 3600), height - 12, h,
                      datetime.fromtimestamp(t, timezone.utc).strftime("%d %H:%M")))
    svg.append('<line class="alert-line" x1="%.1f" x2="%.1f" y1="%d" y2="%d"/>'
               % (x(0), x(0), top - 8, height - 28))
    svg.append('<text class="alert-label" x="%.1f" y="%d">alert</text>' % (x(0) + 4, top - 10))
    stacks = {}
    for e in events:
        lane = lanes.index(e["subject"])
        px = x(e["offset_seconds"])
        k = stacks.setdefault((lane, round(px / 5)), [0])
        y = top + lane * lane_h + 8 + (k[0] % 8) * 8
        k[0] += 1
        outcome = e["outcome"] if e["outcome"] in ("success", "failure") else "unknown"
        is_alert = e["offset_seconds"] == 0 and e["event_id"] == alert["event_id"]
        hover = "\n".join(esc(v, 200) for v in (
            when(e["event_epoch"], tz) + " (%+d s)" % e["offset_seconds"],
            "%s: %s %s" % (e["subject"], e["event_source"], e["event_name"]),
            "outcome: %s %s" % (outcome, e["error_code"] or ""),
            "by: %s" % e["actor"], "from: %s" % e["source_address"],
            "user agent: %s" % e["user_agent"], "event id: %s" % e["event_id"]))
        svg.append('<rect class="mark %s%s" x="%.1f" y="%d" width="%d" height="7"><title>%s'
                   '</title></rect>' % (outcome, " alert" if is_alert else "",
                                        px - 2, y, 4, hover))
    svg.append("</svg>")
    return "\n".join(svg)


# ---------------------------------------------------------------- the pages
STYLE = """
body{font:14px/1.45 "DejaVu Sans",sans-serif;color:#1d232b;margin:24px auto;max-width:1240px;padding:0 12px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;border-bottom:1px solid #ccd;margin-top:28px}
h3,h4,h5,h6{font-size:15px;margin:14px 0 4px}
dl.facts{display:grid;grid-template-columns:190px 1fr;gap:3px 12px}dt{color:#566;font-weight:bold}
dd{margin:0;overflow-wrap:anywhere}
table{border-collapse:collapse;width:100%;font-size:12.5px}th,td{border:1px solid #dde;padding:2px 5px;
text-align:left;vertical-align:top;overflow-wrap:break-word}td.nowrap{white-space:nowrap}
td.long{overflow-wrap:anywhere;min-width:12em}th{background:#eef1f5}
pre{background:#f6f7f9;border:1px solid #dde;padding:8px;overflow-x:auto;white-space:pre-wrap;
overflow-wrap:anywhere;font-size:12px}
code{background:#eef1f5;padding:0 3px}.href{color:#667;font-size:12px}
.none{color:#667}.sev-high,.sev-critical{color:#b00020;font-weight:bold}
svg.timeline{max-width:100%;height:auto;font:12px "DejaVu Sans",sans-serif}
.lane{fill:#f4f6f9}.lane-name{font-weight:bold}.lane-who{fill:#566;font-size:11px}
.tick{stroke:#c9ced6}.tick-label{fill:#566;font-size:11px;text-anchor:middle}
.alert-line{stroke:#b00020;stroke-width:2;stroke-dasharray:4 3}.alert-label{fill:#b00020;font-weight:bold}
.mark.success{fill:#2e7d32}.mark.failure{fill:#c62828}.mark.unknown{fill:#8d8d8d}
.mark.alert{stroke:#000;stroke-width:1.5}
.legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 14px}
.key-success{background:#2e7d32}.key-failure{background:#c62828}.key-unknown{background:#8d8d8d}
input{font:inherit;padding:4px;width:340px}
"""

# the index's filter: hides the rows that do not contain the text typed
SCRIPT = """
document.getElementById('filter').addEventListener('input', function () {
  var q = this.value.toLowerCase();
  document.querySelectorAll('#alerts tbody tr').forEach(function (tr) {
    tr.hidden = q !== '' && tr.textContent.toLowerCase().indexOf(q) < 0;
  });
});
"""


def page(title, body, script=None):
    """A whole page; the Content-Security-Policy lets only its own style and script run."""
    digest = lambda s: "'sha256-%s'" % __import__("base64").b64encode(
        hashlib.sha256(s.encode()).digest()).decode()
    csp = "default-src 'none'; style-src %s; script-src %s" % (
        digest(STYLE), digest(script) if script else "'none'")
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">\n'
            '<meta http-equiv="Content-Security-Policy" content="%s">\n<title>%s</title>\n'
            "<style>%s</style></head>\n<body>\n%s\n%s</body></html>\n"
            % (csp, esc(title), STYLE, body, "<script>%s</script>\n" % script if script else ""))


def mfa_state(v):
    return {1: "yes: the session was signed in with MFA", 0: "no: the session used no MFA"}.get(
        v, "unknown: the record does not say (long-term access keys carry no MFA state)")


def alert_page(a, rule, w, tz, evidence, coverage, source):
    who = lambda *vs: " \u00b7 ".join(esc(v) for v in vs if v)
    facts = [
        ("Who (actor)", who(a["actor"], a["user_type"], a["user_name"])),
        ("Whom (target user)", who(a["target_user"], a["mfa_serial"]) or "none named (a device only)"),
        ("When", esc(when(a["event_epoch"], tz)) + " <span class=none>(eventTime %s)</span>"
         % esc(a["event_time"])),
        ("From where", who(a["source_ip"] or a["source_address"], a["aws_region"],
                           "account " + (a["account_id"] or "?"))),
        ("How (user agent)", esc(a["user_agent"])),
        ("MFA in the session", esc(mfa_state(a["mfa_authenticated"]))),
        ("Access key", esc(a["access_key_id"])),
        ("Origin of the credential", who(*{e["origin_arn"] for e in w["window_24h_origin"]})
         or "not found in these logs"),
        ("Event", who(a["event_source"], a["event_name"], a["event_id"])),
    ]
    mitre = ""
    if rule:
        links = []
        for kind in ("tactic", "technique"):
            ids, names_, refs = (str(rule[kind + s] or "").split(", ") for s in ("_id", "_name", "_reference"))
            for i, n, r in zip(ids, names_, refs):
                links.append('%s <a href="%s">%s %s</a>' % (kind, esc(r), esc(i), esc(n)))
        mitre = " \u00b7 ".join(links)
    timeline_events = w["window_24h"] + w["window_24h_origin"]
    body = [
        '<p><a href="index.html">\u2190 all alerts</a></p>',
        "<h1>%s: MFA device of %s deactivated by %s</h1>" % (
            esc(a["event_name"], 80), esc(a["target_user"] or "(a device)", 80),
            esc(a["user_name"] or a["actor"], 80)),
        '<p class="none">Alert %s \u00b7 rule %s \u00b7 severity <span class="sev-%s">%s</span> '
        "(risk score %s)</p>" % (esc(a["alert_id"]), esc(a["rule_name"]), esc(a["severity"]),
                                  esc(a["severity"]), esc(a["risk_score"])),
        '<dl class="facts">%s</dl>' % "".join("<dt>%s</dt><dd>%s</dd>" % (esc(k), v) for k, v in facts),
        "<h2>Timeline: 24 hours either side of the alert</h2>",
        '<p class="legend">%d events (%d of the actor, %d of the target user, %d of the '
        "credential's origin); hover over a mark for the event."
        '<span class="key-success"></span>success<span class="key-failure"></span>failure'
        '<span class="key-unknown"></span>unknown</p>' % (
            len(timeline_events), sum(e["subject"] == "actor" for e in timeline_events),
            sum(e["subject"] == "target" for e in timeline_events), len(w["window_24h_origin"])),
        timeline(a, timeline_events, tz) if a["event_epoch"] is not None else
        '<p class="none">The alert has no event time: no window.</p>',
        "<h2>Other alerts of the user in the 48 hours before</h2>",
        table(w["other_alerts_48h"], [("event_time", "time"), ("offset_seconds", "offset s"),
              ("rule_name", "rule"), ("severity", "severity"), ("event_name", "event"),
              ("group_count", "events"), ("same_actor", "same actor"),
              ("same_user_account", "same user+account"), ("source_address", "from")]),
        "<h2>Scope: what the actor and the target user touched (24 hours either side)</h2>",
        table(w["scope_24h"], [("subject", "subject"), ("event_source", "service"),
              ("events", "events"), ("failures", "failures"), ("first_time", "first"),
              ("last_time", "last"), ("event_names", "events named"),
              ("source_addresses", "addresses"), ("resources", "resources")]),
        "<h2>Evidence</h2>",
        '<dl class="facts"><dt>Source file</dt><dd>%s</dd><dt>Record index</dt><dd>%s</dd>'
        "<dt>SHA-256 of the file</dt><dd><code>%s</code></dd></dl>"
        % (esc(a["source_file"]), esc(evidence["record_index"]), esc(evidence["sha256"])),
        "<h3>The record</h3><pre>%s</pre>" % esc(evidence["record"], None),
        "<h3>Are the logs of the window complete? (CloudTrail's digest files)</h3>",
        table(coverage, [("account", "account"), ("region", "region"), ("trails", "trails"),
              ("span_start", "from"), ("span_end", "to"), ("digests", "digests"),
              ("uncovered_seconds", "uncovered s"), ("covered", "covered"), ("logs", "logs"),
              ("ok", "ok"), ("missing", "missing"), ("altered", "altered"), ("files", "not ok")])
        if coverage is not None else '<p class="none">No digest files were read: unknown.</p>',
        "<h2>The rule: %s</h2>" % esc(a["rule_name"]),
        "<p>%s \u00b7 rule id %s \u00b7 version %s</p><p>%s</p>" % (
            mitre, esc(a["rule_id"]), esc(rule and rule["version"]), esc(rule and rule["description"])),
        "<details open><summary>Investigation guide (Elastic)</summary>%s</details>"
        % markdown(rule and rule["note"]),
        "<h2>The windows, event by event</h2>",
        "<details><summary>The actor's 48 hours before the alert (%d events)</summary>%s</details>"
        % (len(w["window_48h"]), table(w["window_48h"], EVENT_COLS + [("is_alert", "alert")])),
        "<details><summary>24 hours either side: actor and target user (%d events)</summary>%s"
        "</details>" % (len(w["window_24h"]), table(w["window_24h"], [("subject", "subject")] + EVENT_COLS)),
        "<details><summary>24 hours either side: every credential of the origin (%d events)"
        "</summary>%s</details>" % (len(w["window_24h_origin"]), table(
            w["window_24h_origin"], [("hops", "hops"), ("access_key_id", "key")] + EVENT_COLS)),
        '<p class="none">From %s by tools/report.py. Times in UTC%s.</p>'
        % (esc(source), " and " + esc(tz.key) if tz else ""),
    ]
    return page("Alert %s: %s" % (a["alert_id"][:8], a["event_name"]), "\n".join(body))


EVENT_COLS = [("event_time", "time"), ("offset_seconds", "offset s"), ("event_source", "service"),
              ("event_name", "event"), ("outcome", "outcome"), ("error_code", "error"),
              ("source_address", "from"), ("user_agent", "user agent"), ("event_id", "event id")]


def index_page(alerts, w, source, tz):
    trs = []
    for a in alerts:
        aw = w[a["alert_id"]]
        trs.append('<tr><td class="nowrap">%s</td><td class="nowrap"><a href="%s.html">%s</a></td>'
                   "%s</tr>" % (esc(when(a["event_epoch"], tz)).replace(" / ", "<br>"),
                                esc(file_name(a["alert_id"])), esc(a["alert_id"]),
            "".join("<td>%s</td>" % esc(v, 120) for v in (
                a["event_name"], a["actor"], a["target_user"], a["source_address"], a["user_agent"],
                len(aw["window_48h"]), len(aw["window_24h"]) + len(aw["window_24h_origin"]),
                len(aw["other_alerts_48h"])))))
    body = ("<h1>AWS IAM Deactivation of MFA Device: %d alerts</h1>\n<p>From %s. Times in UTC%s."
            '</p>\n<p><input id="filter" type="search" placeholder="filter: a user, an address, a date'
            '\u2026"></p>\n<table id="alerts"><thead><tr><th>time</th><th>alert</th><th>event</th>'
            "<th>actor</th><th>target</th><th>from</th><th>user agent</th><th>48 h events</th>"
            "<th>timeline events</th><th>other alerts</th></tr></thead><tbody>\n%s\n</tbody></table>"
            % (len(alerts), esc(source), " and " + esc(tz.key) if tz else "", "\n".join(trs)))
    return page("MFA deactivation alerts", body, SCRIPT)


def file_name(alert_id):
    return re.sub(r"[^A-Za-z0-9-]", "_", alert_id or "no-id")


def export(out, alert_id, w, fmt):
    for suffix, rs in w.items():
        path = os.path.join(out, "%s.%s.%s" % (file_name(alert_id), suffix, fmt))
        with open(path, "w", encoding="utf-8", newline="") as f:
            if fmt == "jsonl":
                f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rs)
            elif rs:
                c = csv.DictWriter(f, fieldnames=list(rs[0]))
                c.writeheader()
                c.writerows(rs)


ALERT_COLUMNS = ("alert_id, rule_id, rule_name, severity, risk_score, event_time, event_epoch, "
                 "event_id, event_name, event_source, aws_region, account_id, actor, user_type, "
                 "user_name, user_arn, access_key_id, mfa_authenticated, source_address, source_ip, "
                 "user_agent, target_user, mfa_serial, source_file, record")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("path", help="a folder (file, glob) of CloudTrail logs, or a case database")
    p.add_argument("-o", "--out", default="report", help="folder for the pages (made if missing)")
    p.add_argument("--ext", default=os.path.join(ROOT, "build", "cloudtrail"),
                   help="the extension (default: build/cloudtrail beside this script)")
    p.add_argument("--sql", default=os.path.join(ROOT, "sql", "investigate.sql"))
    p.add_argument("--table", default="trail", help="the case database's table (default trail)")
    p.add_argument("--tz", help="also show times in this zone (Europe/Berlin)")
    p.add_argument("--digests", help="where the digest files are (default: PATH, for a folder)")
    p.add_argument("--keys", help="folder of CloudTrail's public keys, to check signatures")
    p.add_argument("--csv", action="store_true", help="write each window of each alert as CSV")
    p.add_argument("--jsonl", action="store_true", help="... and as JSON lines")
    args = p.parse_args()
    try:
        tz = ZoneInfo(args.tz) if args.tz else None
    except (KeyError, ValueError):   # ZoneInfoNotFoundError is a KeyError
        p.error("unknown time zone %r" % args.tz)

    db, is_db, digests = open_case(args)
    # every column but origin_arn and origin_chain: those run cloudtrail_sessions over the whole
    # trail (10 s on a 500k-event case file); the origin window's rows name the origin anyway
    alerts = rows(db, "SELECT %s FROM mfa_deactivation_alerts" % ALERT_COLUMNS)
    windows = {k: by_alert(db, v) for k, v in WINDOWS.items()}
    coverage = by_alert(db, "mfa_alert_coverage") if digests else None
    rules = {r["rule_id"]: r for r in rows(db, "SELECT * FROM cloudtrail_rules WHERE pack = 'builtin'")}

    os.makedirs(args.out, exist_ok=True)
    w = {a["alert_id"]: {k: windows[k].get(a["alert_id"], []) for k in WINDOWS} for a in alerts}
    for a in alerts:
        aw = w[a["alert_id"]]
        # the alert's own row in its windows says where in the file its record is
        own = [e for e in aw["window_48h"] + aw["window_24h"]
               if e["offset_seconds"] in (0, None) and e["event_id"] == a["event_id"]
               and e["event_name"] == a["event_name"]]
        try:
            record = json.dumps(json.loads(a["record"]), indent=2, ensure_ascii=False)
        except (TypeError, ValueError):
            record = a["record"]
        evidence = {"record_index": own[0]["record_index"] if own else "not found",
                    "sha256": file_sha256(db, is_db, args.table, a["source_file"]),
                    "record": record}
        html_text = alert_page(a, rules.get(a["rule_id"]), aw, tz, evidence,
                               None if coverage is None else coverage.get(a["alert_id"], []),
                               args.path)
        with open(os.path.join(args.out, file_name(a["alert_id"]) + ".html"), "w",
                  encoding="utf-8") as f:
            f.write(html_text)
        for fmt in ("csv", "jsonl"):
            if getattr(args, fmt):
                export(args.out, a["alert_id"], aw, fmt)
    with open(os.path.join(args.out, "index.html"), "w", encoding="utf-8") as f:
        f.write(index_page(alerts, w, args.path, tz))
    print("%s: %d alert pages and index.html" % (args.out, len(alerts)))


if __name__ == "__main__":
    main()
