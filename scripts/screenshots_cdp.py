"""A headless Chromium driven through the Chrome DevTools Protocol, for scripts/screenshots.py.

Only what the screenshots need: navigate, evaluate JavaScript, wait for a condition of the page, click,
capture the viewport as PNG. Waits poll the page (Runtime.evaluate), they never sleep blindly.
"""

import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import requests
import websocket

# An Odoo error or warning dialog, or a red or orange notification: the screen shows a failure, not the feature.
ERROR_SELECTOR = ", ".join(
    (
        ".o_error_dialog",
        ".o_notification:has(.o_notification_bar.bg-danger)",
        ".o_notification:has(.o_notification_bar.bg-warning)",
    )
)
ERROR_JS = f"""(() => {{
    const error = document.querySelector('{ERROR_SELECTOR}');
    return error ? error.innerText.trim().slice(0, 2000) : '';
}})()"""

# Odoo has finished loading: no loading indicator, no blocked UI, no spinner, fonts loaded, and the chatter knows
# the user's rights (its Send message button stays disabled until then; the screenshots' user may write).
IDLE_JS = (
    "document.readyState === 'complete' && document.fonts.status === 'loaded'"
    " && !document.querySelector('.o_loading_indicator, .o_blockUI, .fa-spin, .o-mail-Chatter-sendMessage:disabled')"
)

# Screens are captured at rest: no CSS transition or animation half-way (Bootstrap fades tabs and buttons).
NO_MOTION_JS = """document.addEventListener('DOMContentLoaded', () => {
    const style = document.createElement('style');
    style.textContent = '*, *::before, *::after { transition-duration: 0s !important; transition-delay: 0s !important;'
        + ' animation-duration: 0s !important; animation-delay: 0s !important; }';
    document.head.appendChild(style);
});"""


class PageError(RuntimeError):
    """The page shows an Odoo error, or did not reach the expected state in time."""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Browser:
    """One Chromium process with one page, driven over its DevTools websocket."""

    def __init__(self, binary="/usr/bin/chromium", width=1440, height=900, timeout=90):
        self.binary = binary
        self.width, self.height = width, height
        self.timeout = timeout
        self.port = free_port()
        self.profile = tempfile.mkdtemp(prefix="account_dunning_chromium_")
        self.process = None
        self.ws = None
        self.next_id = 0

    def __enter__(self):
        self.process = subprocess.Popen(
            [
                self.binary,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                f"--remote-debugging-port={self.port}",
                f"--user-data-dir={self.profile}",
                f"--window-size={self.width},{self.height}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: its helpers are stopped with it
        )
        self.ws = websocket.create_connection(self._page_websocket_url(), timeout=self.timeout, suppress_origin=True)
        self.send("Page.enable")
        self.send("Runtime.enable")
        self.send("Network.enable")
        self.send("Page.addScriptToEvaluateOnNewDocument", source=NO_MOTION_JS)
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=self.width,
            height=self.height,
            deviceScaleFactor=1,
            mobile=False,
        )
        return self

    def __exit__(self, *exc_info):
        if self.ws:
            self.ws.close()
        if self.process:
            self._stop_chromium()
        shutil.rmtree(self.profile, ignore_errors=True)

    def _stop_chromium(self):
        """Stop Chromium and its helper processes (its own process group), and wait until all have exited."""
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        except ProcessLookupError:
            return
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.killpg(self.process.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)

    def _page_websocket_url(self):
        """The DevTools websocket of the page Chromium opened, once its debugging port answers."""
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise PageError(f"chromium exited with code {self.process.returncode}")
            try:
                targets = requests.get(f"http://127.0.0.1:{self.port}/json/list", timeout=2).json()
            except (requests.ConnectionError, ValueError):
                targets = []
            pages = [target for target in targets if target.get("type") == "page"]
            if pages:
                return pages[0]["webSocketDebuggerUrl"]
            time.sleep(0.2)
        raise PageError("chromium's DevTools port did not answer")

    def send(self, method, **params):
        """Call a DevTools method and return its result (events received meanwhile are dropped)."""
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise PageError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression):
        """The value of a JavaScript expression in the page (promises awaited)."""
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise PageError(f"JavaScript error: {result['exceptionDetails']}")
        return result["result"].get("value")

    def set_cookie(self, url, name, value):
        self.send("Network.setCookie", url=url, name=name, value=value, path="/")

    def navigate(self, url):
        """Load a URL; returns once the new document replaced the old one (the old page's marker is gone)."""
        self.evaluate("window.screenshotsOldPage = true")
        self.send("Page.navigate", url=url)
        self.wait_for("!window.screenshotsOldPage", f"the page {url}")

    def wait_for(self, condition, what):
        """Poll until the JavaScript `condition` is true and Odoo is idle; fail on an Odoo error or a timeout."""
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            error = self.evaluate(ERROR_JS)
            if error:
                raise PageError(f"Odoo shows an error while waiting for {what}:\n{error}")
            if self.evaluate(f"!!({condition}) && {IDLE_JS}"):
                return
            time.sleep(0.25)
        raise PageError(f"timed out waiting for {what} ({condition})")

    def wait_for_selector(self, selector, what=None):
        self.wait_for(f"document.querySelector({json.dumps(selector)})", what or selector)

    def click(self, selector, what=None):
        """Wait for an element, then click it."""
        self.wait_for_selector(selector, what)
        self.evaluate(f"document.querySelector({json.dumps(selector)}).click()")

    def screenshot(self, path):
        """Save the viewport as PNG, with the focus and the mouse away from the content."""
        self.evaluate("document.activeElement && document.activeElement.blur()")
        self.send("Input.dispatchMouseEvent", type="mouseMoved", x=self.width - 1, y=self.height - 1)
        data = self.send("Page.captureScreenshot", format="png")["data"]
        with open(path, "wb") as png:
            png.write(base64.b64decode(data))
