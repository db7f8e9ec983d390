#!/usr/bin/python3
# The classroom page in a real browser: Debian's headless Chromium, driven over
# the DevTools protocol (python3-websocket). It loads the page of `tagcascade
# serve`, moves the bot slider with the keyboard, waits for the chart to be
# drawn again, checks that the curves and numbers drawn are the API's answer
# for the same values, runs "4 seeds" (the band), checks that the page asked
# nothing of any other server and threw no error, and saves a screenshot
# (TC_SCREENSHOT=FILE.png keeps it; otherwise it goes in a temporary folder).
# Skipped (exit 77) with the reason when Chromium, python3-websocket or the
# server's library is missing.
# Run: BIN=build/tagcascade /usr/bin/python3 tests/test_classroom_page.py
import base64
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("BIN", os.path.join(os.environ.get("BUILD", "build"), "tagcascade"))
if not os.path.isabs(BIN):
    BIN = os.path.join(ROOT, BIN)
SCENARIO = os.path.join(ROOT, "scenarios", "classroom.yaml")
WIDTH, HEIGHT = 1600, 1240
fails = 0


def skip(why):
    print(why)
    sys.exit(77)


def ok(cond, what):
    global fails
    print(("ok - " if cond else "not ok - ") + what)
    if not cond:
        fails += 1
    return cond


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


class Page:
    """One tab of Chromium over the DevTools protocol: commands by id, events
    kept in a list."""

    def __init__(self, ws_url):
        import websocket
        # no Origin header: Chromium refuses unknown origins unless told otherwise
        self.ws = websocket.create_connection(ws_url, timeout=60, suppress_origin=True)
        self.next = 0
        self.events = []

    def send(self, method, **params):
        self.next += 1
        mine = self.next
        self.ws.send(json.dumps({"id": mine, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == mine:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg)

    def js(self, expr):
        r = self.send("Runtime.evaluate", expression=expr, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in r:
            raise RuntimeError(f"{expr}: {r['exceptionDetails']}")
        return r["result"].get("value")

    def wait(self, expr, what, timeout=30):
        end = time.time() + timeout
        while time.time() < end:
            # false until the page has loaded far enough to say
            if self.js(f"(() => {{ try {{ return !!({expr}); }} catch (e) {{ return false; }} }})()"):
                return True
            time.sleep(0.1)
        raise RuntimeError(f"timed out waiting for {what}")

    def key(self, key, code, vk):
        for kind in ("rawKeyDown", "keyUp"):
            self.send("Input.dispatchKeyEvent", type=kind, key=key, code=code,
                      windowsVirtualKeyCode=vk, nativeVirtualKeyCode=vk)

    def char(self, c):
        self.send("Input.dispatchKeyEvent", type="keyDown", key=c, text=c,
                  windowsVirtualKeyCode=ord(c.upper()))
        self.send("Input.dispatchKeyEvent", type="keyUp", key=c, windowsVirtualKeyCode=ord(c.upper()))


def get_json(url):
    with urllib.request.urlopen(url, timeout=60) as r:
        return json.loads(r.read())


def main():
    browser = chromium()
    if not browser:
        skip("no Chromium (Debian: chromium)")
    try:
        import websocket  # noqa: F401
    except ImportError:
        skip("no python3-websocket (Debian: python3-websocket)")
    if not os.access(BIN, os.X_OK):
        print(f"{BIN}: not built (make)")
        return 1
    tmp = tempfile.mkdtemp(prefix="tc-page-")
    server = chrome = None
    try:
        # the server, on a free port of 127.0.0.1
        out = open(os.path.join(tmp, "serve.out"), "w+")
        err = open(os.path.join(tmp, "serve.err"), "w+")
        server = subprocess.Popen([BIN, "serve", SCENARIO, "--port", "0"], stdout=out, stderr=err)
        end = time.time() + 30
        base = ""
        while time.time() < end and not base and server.poll() is None:
            time.sleep(0.1)
            out.seek(0)
            base = out.readline().strip()
        if not base:
            err.seek(0)
            text = err.read()
            if "built without libmicrohttpd" in text:
                skip("tagcascade was built without libmicrohttpd (Debian: libmicrohttpd-dev)")
            print(f"the server did not start: {text}")
            return 1

        # the browser: headless, its own profile, the DevTools port it picks
        profile = os.path.join(tmp, "profile")
        chrome = subprocess.Popen(
            [browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--no-default-browser-check", "--disable-extensions", "--disable-sync",
             "--disable-background-networking", "--disable-component-update",
             "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
             f"--user-data-dir={profile}", f"--window-size={WIDTH},{HEIGHT}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=open(os.path.join(tmp, "chrome.err"), "w"))
        port_file = os.path.join(profile, "DevToolsActivePort")
        end = time.time() + 30
        while time.time() < end and not (os.path.exists(port_file) and
                                         open(port_file).read().strip()):
            if chrome.poll() is not None:
                skip("Chromium does not start here: " +
                     open(os.path.join(tmp, "chrome.err")).read()[-300:].replace("\n", " "))
            time.sleep(0.1)
        if not os.path.exists(port_file):
            skip("Chromium did not open its DevTools port within 30 s")
        port = open(port_file).read().split()[0]
        targets = get_json(f"http://127.0.0.1:{port}/json/list")
        tab = next(t for t in targets if t.get("type") == "page")
        page = Page(tab["webSocketDebuggerUrl"])
        for domain in ("Page", "Runtime", "Network", "Log"):
            page.send(domain + ".enable")
        page.send("Emulation.setDeviceMetricsOverride", width=WIDTH, height=HEIGHT,
                  deviceScaleFactor=1, mobile=False)
        page.send("Page.navigate", url=base)

        # the first run, at the scenario's values
        page.wait("document.body.dataset.state === 'ready' && document.body.dataset.runs === '1'",
                  "the first run to be drawn")
        knobs = get_json(base + "api/knobs")
        bots = next(k for k in knobs["knobs"] if k["id"] == "bots")
        ok(page.js("Number(document.getElementById('knob-bots').value)") == bots["default"],
           f"the bot slider starts at the scenario's share ({bots['default']})")
        ok(page.js("document.querySelectorAll('#knobs input').length") == len(knobs["knobs"]),
           "a control for every knob of /api/knobs")

        # move the bot slider with the keyboard: 4 steps to the right
        page.js("document.getElementById('knob-bots').focus()")
        for _ in range(4):
            page.key("ArrowRight", "ArrowRight", 39)
        want = round(bots["default"] + 4 * bots["step"], 10)
        ok(abs(page.js("Number(document.getElementById('knob-bots').value)") - want) < 1e-9,
           f"the arrow keys move the bot slider to {want}")
        page.wait("document.body.dataset.state === 'ready' && document.body.dataset.runs === '2'",
                  "the chart to be drawn again")
        drawn = page.js("""(() => {
            const v = tc.charts.volume, r = tc.charts.reach;
            const canvas = v.root.querySelector('canvas');
            const px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
            let ink = 0;
            for (let i = 0; i < px.length; i += 4) if (px[i + 3] > 0 && (px[i] < 200 || px[i + 2] < 200)) ink++;
            return {url: tc.last.url, people: v.data[1], bots: v.data[2], all: v.data[3],
                    reachPeople: r.data[1], reachBots: r.data[2], series: v.series.length,
                    earlier: v.series.filter(s => String(s.label).startsWith('earlier')).length,
                    ink, reach: document.getElementById('reach-human').textContent,
                    reachBot: document.getElementById('reach-bot').textContent,
                    shareVolume: document.getElementById('share-volume').textContent,
                    shareAccounts: document.getElementById('share-accounts').textContent};
        })()""")
        ok(f"bots={want:g}" in drawn["url"].replace("%2E", "."),
           f"the page asked for bots={want:g}: {drawn['url']}")
        api = get_json(base + drawn["url"])
        s = api["summary"]
        ok(drawn["people"] == api["volume_human"] and drawn["bots"] == api["volume_bot"],
           "the volume curves drawn are the API's, people and bots")
        ok(drawn["all"] == [a + b for a, b in zip(api["volume_human"], api["volume_bot"])],
           "the total volume drawn is their sum")
        ok(drawn["reachPeople"] == api["reached_human"] and drawn["reachBots"] == api["reached_bot"],
           "the reach curves drawn are the API's, people apart from bots")
        ok(drawn["reach"] == f"{s['reach_human']:,}" and drawn["reachBot"] == f"{s['reach_bot']:,}",
           f"the numbers shown are the API's: people reached {drawn['reach']}, bots {drawn['reachBot']}")
        ok(drawn["shareVolume"] == f"{100 * s['bot_share_volume']:.1f} %" and
           drawn["shareAccounts"] == f"{100 * s['bot_share_accounts']:.1f} %",
           f"the bots' shares shown are the API's: {drawn['shareVolume']} of the posts, "
           f"{drawn['shareAccounts']} of the accounts")
        ok(drawn["earlier"] == 1, "the first run stays drawn, in grey, for comparison")
        ok(drawn["ink"] > 2000, f"the volume chart's canvas is drawn on ({drawn['ink']} pixels)")

        # "4 seeds", from the keyboard: a band over four runs
        page.js("document.activeElement.blur()")
        page.char("4")
        page.wait("tc.band !== null && document.body.dataset.state === 'ready'",
                  "the four seeds' band", timeout=60)
        band = page.js("({seeds: tc.band.seeds, n: tc.charts.volume.data.length,"
                       " bands: tc.charts.volume.bands.length})")
        ok(band["seeds"] == [0, 1, 2, 3] and band["bands"] == 1,
           "key 4 runs four seeds and draws their band")

        # nothing from elsewhere, no error
        urls = [e["params"]["request"]["url"] for e in page.events
                if e["method"] == "Network.requestWillBeSent"]
        foreign = [u for u in urls if not u.startswith(base) and not u.startswith("data:")]
        ok(urls and not foreign, f"every request went to the server itself ({len(urls)} requests)"
           + (f"; others: {foreign[:3]}" if foreign else ""))
        errors = [e for e in page.events if e["method"] == "Runtime.exceptionThrown" or
                  (e["method"] == "Log.entryAdded" and e["params"]["entry"]["level"] == "error")]
        ok(not errors, "no error in the page" + (f": {json.dumps(errors[0])[:300]}" if errors else ""))

        shot = page.send("Page.captureScreenshot", format="png")
        path = os.environ.get("TC_SCREENSHOT") or os.path.join(tmp, "classroom.png")
        with open(path, "wb") as f:
            f.write(base64.b64decode(shot["data"]))
        ok(os.path.getsize(path) > 20000, f"screenshot saved: {path}")
        if not os.environ.get("TC_SCREENSHOT"):
            keep = os.path.join(tempfile.gettempdir(), "tc-classroom-last.png")
            shutil.copyfile(path, keep)
            print(f"# the screenshot is kept in {keep}")
    finally:
        if chrome and chrome.poll() is None:
            chrome.terminate()
            try:
                chrome.wait(10)
            except subprocess.TimeoutExpired:
                chrome.kill()
        if server and server.poll() is None:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
