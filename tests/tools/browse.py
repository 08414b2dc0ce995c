"""Open HTML files in one headless Chromium and keep, for each, what the browser made of it.

    /usr/bin/python3 tests/tools/browse.py OUTDIR FILE.html...

For each FILE: OUTDIR/NAME.png (a 1280x2000 screenshot), OUTDIR/NAME.dom.html (the DOM after
the load event, as --dump-dom writes it) and OUTDIR/NAME.console (every console message,
uncaught exception and browser log entry of the page, one a line; empty when there were none).
One browser for all files, driven through the DevTools protocol on a pipe
(--remote-debugging-pipe: commands on its fd 3, answers on its fd 4, each a JSON text ended by
a NUL byte): starting Chromium once per page would cost about 1.7 s a page.
"""
import base64, fcntl, json, os, select, shutil, subprocess, sys, tempfile


class Browser:
    def __init__(self):
        to_child, self.w = os.pipe()
        self.r, from_child = os.pipe()
        self.profile = tempfile.mkdtemp(prefix="browse-")

        def pipes():   # in the child, before exec: its fd 3 and fd 4 are the pipes
            a, b = (fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (to_child, from_child))
            os.dup2(a, 3)   # (dup2 gives an inheritable copy; the pipes close on exec)
            os.dup2(b, 4)
        self.proc = subprocess.Popen(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             "--no-first-run", "--remote-debugging-pipe", "--user-data-dir=" + self.profile,
             "--window-size=1280,2000", "about:blank"],
            close_fds=False, preexec_fn=pipes,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_child)
        os.close(from_child)
        self.buf, self.last, self.events = b"", 0, []

    def read(self):
        while b"\0" not in self.buf:
            if not select.select([self.r], [], [], 30)[0]:
                raise TimeoutError("chromium did not answer in 30 s")
            chunk = os.read(self.r, 1 << 20)
            if not chunk:
                raise EOFError("chromium closed the pipe")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method, session=None, **params):
        self.last += 1
        msg = {"id": self.last, "method": method, "params": params}
        if session:
            msg["sessionId"] = session
        data = json.dumps(msg).encode() + b"\0"
        while data:
            data = data[os.write(self.w, data):]
        while True:
            m = self.read()
            if m.get("id") == self.last:
                if "error" in m:
                    raise RuntimeError("%s: %s" % (method, m["error"]))
                return m["result"]
            self.events.append(m)

    def wait(self, method, session):
        while True:
            for i, e in enumerate(self.events):
                if e.get("method") == method and e.get("sessionId") == session:
                    return self.events.pop(i)
            self.events.append(self.read())

    def close(self):
        try:
            self.call("Browser.close")
        except (EOFError, OSError, RuntimeError):
            pass
        self.proc.wait(timeout=30)
        shutil.rmtree(self.profile, ignore_errors=True)


def messages(events, session):
    """The page's console output, exceptions and log entries, as text; taken out of events."""
    out, keep = [], []
    for e in events:
        p, m = e.get("params", {}), e.get("method")
        if e.get("sessionId") != session:
            keep.append(e)
        elif m == "Runtime.consoleAPICalled":
            out.append("console.%s: %s" % (p["type"], " ".join(
                str(a.get("value", a.get("description", ""))) for a in p["args"])))
        elif m == "Runtime.exceptionThrown":
            d = p["exceptionDetails"]
            out.append("exception: %s" % d.get("exception", {}).get("description", d["text"]))
        elif m == "Log.entryAdded":
            out.append("log %s: %s" % (p["entry"]["level"], p["entry"]["text"]))
    events[:] = keep
    return out


def main():
    out, files = sys.argv[1], sys.argv[2:]
    os.makedirs(out, exist_ok=True)
    b = Browser()
    try:
        target = b.call("Target.createTarget", url="about:blank")["targetId"]
        s = b.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            b.call(domain + ".enable", s)
        b.call("Emulation.setDeviceMetricsOverride", s, width=1280, height=2000,
               deviceScaleFactor=1, mobile=False)
        for f in files:
            name = os.path.join(out, os.path.basename(f)[:-len(".html")])
            b.call("Page.navigate", s, url="file://" + os.path.abspath(f))
            b.wait("Page.loadEventFired", s)
            dom = b.call("Runtime.evaluate", s, returnByValue=True, expression=
                         "'<!DOCTYPE html>\\n' + document.documentElement.outerHTML")
            png = b.call("Page.captureScreenshot", s, format="png")["data"]
            with open(name + ".dom.html", "w", encoding="utf-8") as fh:
                fh.write(dom["result"]["value"])
            with open(name + ".png", "wb") as fh:
                fh.write(base64.b64decode(png))
            with open(name + ".console", "w", encoding="utf-8") as fh:
                fh.writelines(line + "\n" for line in messages(b.events, s))
    finally:
        b.close()


if __name__ == "__main__":
    main()
