"""A real headless Chromium for the tests, driven over the DevTools protocol on a pipe.

No browser driver and no extra package: Chromium's `--remote-debugging-pipe` reads protocol
commands (JSON, each ended by a NUL byte) on file descriptor 3 and writes answers and events on
4. The tests open a page, collect every console message, uncaught exception and network request,
evaluate scripts in the page, and take screenshots.

Chromium comes from Debian (`apt-get install chromium`); `scripts/check` installs it when it runs
as root and it is missing. Where it cannot be had, `find_chromium()` says why and the browser
tests skip with that message.
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--remote-debugging-pipe",
]
TIMEOUT = 120.0  # generous: CI machines are busy; every wait ends as soon as its event arrives


def find_chromium() -> tuple[str | None, str]:
    """(path to chromium, or None and the reason it is missing)."""
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path, ""
    return None, (
        "chromium is not installed: `apt-get install chromium` (scripts/check does it when run "
        "as root with apt-get available)"
    )


class Browser:
    """One headless Chromium with one page; a context manager that always ends the process."""

    def __init__(self, executable: str) -> None:
        self.profile = tempfile.mkdtemp(prefix="replicost-chromium-")
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def wire_fds() -> None:  # runs in the child: the protocol pipes on fds 3 and 4
            os.dup2(to_browser_r, 3)
            os.dup2(from_browser_w, 4)

        self.process = subprocess.Popen(
            [executable, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=wire_fds,
            pass_fds=(3, 4),
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._ids = itertools.count(1)
        self._answers: dict[int, dict] = {}
        self.events: list[dict] = []
        self._cond = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.session = self._attach()

    # ----- protocol --------------------------------------------------------------------------
    def _read(self) -> None:
        buffer = b""
        while True:
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                break
            buffer += chunk
            *messages, buffer = buffer.split(b"\0")
            with self._cond:
                for raw in messages:
                    message = json.loads(raw)
                    if "id" in message:
                        self._answers[message["id"]] = message
                    else:
                        self.events.append(message)
                self._cond.notify_all()
        with self._cond:
            self._cond.notify_all()

    def send(self, method: str, params: dict | None = None, *, session: bool = True) -> dict:
        """Send one command and wait for its answer; a protocol error raises."""
        ident = next(self._ids)
        message: dict[str, Any] = {"id": ident, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = self.session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        answer = self._wait(lambda: self._answers.pop(ident, None), f"answer to {method}")
        if "error" in answer:
            raise RuntimeError(f"{method}: {answer['error']}")
        return answer.get("result", {})

    def _wait(self, probe, what: str):
        deadline = time.monotonic() + TIMEOUT
        with self._cond:
            while True:
                found = probe()
                if found:
                    return found
                if self.process.poll() is not None:
                    raise RuntimeError(f"chromium exited ({self.process.returncode}) before {what}")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no {what} from chromium in {TIMEOUT:.0f} s")
                self._cond.wait(min(left, 1.0))

    def _attach(self) -> str:
        targets = self.send("Target.getTargets", session=False)["targetInfos"]
        page = next(t for t in targets if t["type"] == "page")
        attached = self.send(
            "Target.attachToTarget", {"targetId": page["targetId"], "flatten": True}, session=False
        )
        self.session = attached["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable")
        return self.session

    # ----- what tests use --------------------------------------------------------------------
    def open(self, path: Path, *, width: int = 1300, height: int = 900) -> None:
        """Load a local file and wait for its load event."""
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )
        with self._cond:
            seen = len(self.events)
        self.send("Page.navigate", {"url": path.resolve().as_uri()})
        self._wait(
            lambda: any(e["method"] == "Page.loadEventFired" for e in self.events[seen:]),
            "load event",
        )

    def evaluate(self, expression: str) -> Any:
        """Run a script in the page and return its JSON-serialisable value."""
        result = self.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def problems(self) -> list[str]:
        """Console errors and warnings, uncaught exceptions and browser log errors so far."""
        out = []
        for event in self.events:
            method, params = event["method"], event.get("params", {})
            if method == "Runtime.exceptionThrown":
                out.append(f"exception: {params['exceptionDetails'].get('text')}")
            elif method == "Runtime.consoleAPICalled" and params["type"] in ("error", "warning"):
                texts = [str(a.get("value", a.get("description"))) for a in params["args"]]
                out.append(f"console.{params['type']}: {' '.join(texts)}")
            elif method == "Log.entryAdded" and params["entry"]["level"] in ("error", "warning"):
                out.append(f"log: {params['entry']['text']}")
        return out

    def requests(self) -> list[str]:
        """Every URL the page asked for (the page itself included)."""
        return [
            e["params"]["request"]["url"]
            for e in self.events
            if e["method"] == "Network.requestWillBeSent"
        ]

    def screenshot(self, target: Path, *, full_page: bool = True) -> Path:
        """The whole page (or only what the viewport shows) as a PNG file."""
        result = self.send(
            "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": full_page}
        )
        target.write_bytes(base64.b64decode(result["data"]))
        return target

    def close(self) -> None:
        try:
            os.close(self._to_browser)  # chromium exits when its command pipe closes
            self.process.wait(timeout=15)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()
        finally:
            os.close(self._from_browser)
            shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
