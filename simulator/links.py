"""The links the simulator hands out, served on its own address.

Records are drawn with Replicate's hosts in them, so an account and its ground truth do not depend
on where it is served. Every JSON answer is rewritten on its way out to the address the request
came to (`base`, scheme://host:port), and the simulator serves each link:

- `https://api.replicate.com/v1/...` -> `{base}/v1/...`: `urls.get`, `urls.cancel` (the API);
- `https://stream.replicate.com/v1/files/ID` -> `{base}/stream/ID`: `urls.stream`, server-sent
  events as Replicate sends them (`output` events with plain text, an `error` event with JSON
  `{"detail": ...}`, then `done` with `{}` or `{"reason": "error" | "canceled"}`), each with an
  `id`. The stream carries the prediction's whole run at once: it does not wait for the clock;
- `https://replicate.delivery/PATH` -> `{base}/delivery/PATH`: output and input files, a few
  fixed bytes by extension (a 1x1 PNG or WebP, a short silent WAV; other files a line of text).

List pages are built from cached record bytes whose links already point at the address they were
last served to (`SimulatorApp.warm(base=...)` prepares them), so a warm page costs no rewriting;
rewriting a page of 100 records costs about 0.3 ms. Files are public, as on Replicate's file host; the stream takes the API token. Neither counts
against the rate limit nor draws faults. `urls.web` and model pages stay on replicate.com: they are
web pages, not part of the API.
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING, Any

import orjson

from replicost.simulator.responses import ApiError, SimulatedResponse

if TYPE_CHECKING:
    from replicost.simulator.account import SimulatedAccount

API = b"https://api.replicate.com/v1"
STREAM = b"https://stream.replicate.com/v1/files/"
DELIVERY = b"https://replicate.delivery/"
STREAM_PATH, DELIVERY_PATH = "/stream/", "/delivery/"
PATHS = (STREAM_PATH, DELIVERY_PATH)  # served here, outside /v1
EVENT_STREAM = "text/event-stream; charset=utf-8"

PNG_1X1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415478"
    "9c637811cb0200037a014a3d5e2c400000000049454e44ae426082"
)
WEBP_1X1 = bytes.fromhex(
    "5249464622000000574542505650384c150000002f0000000007d0aea21348dae26d7fffe38888fe0700"
)


def _silent_wav(samples: int = 8, rate: int = 8000) -> bytes:
    """A mono 16-bit PCM WAV of `samples` zero samples."""
    data = b"\x00\x00" * samples
    fmt = struct.pack("<HHIIHH", 1, 1, rate, rate * 2, 2, 16)
    chunks = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
    chunks += b"data" + struct.pack("<I", len(data)) + data
    return b"RIFF" + struct.pack("<I", len(chunks)) + chunks


_FILES = {
    ".png": (PNG_1X1, "image/png"),
    ".webp": (WEBP_1X1, "image/webp"),
    ".wav": (_silent_wav(), "audio/wav"),
}
_TYPES = {".mp3": "audio/mpeg", ".zip": "application/zip", ".tar": "application/x-tar"}


def route_name(path: str) -> str | None:
    """`links.stream` or `links.file` for a path served here, None for the API's paths."""
    if path.startswith(STREAM_PATH):
        return "links.stream"
    return "links.file" if path.startswith(DELIVERY_PATH) else None


def serve(account: SimulatedAccount, method: str, path: str, authorized: bool) -> SimulatedResponse:
    """A file (public) or a prediction's stream (needs the token) for a path of `PATHS`."""
    try:
        if method != "GET":
            raise ApiError(405, f"{method} is not allowed here.")
        if path.startswith(DELIVERY_PATH):
            return file_response(path)
        if not authorized:
            raise ApiError(401, "You did not pass a valid authentication token", "Unauthenticated")
        return stream_response(account, path)
    except ApiError as exc:
        return exc.response()


def localize(body: bytes, base: str) -> bytes:
    """`body` with Replicate's hosts replaced by the simulator's own address."""
    if b"https://" not in body:
        return body
    here = base.encode("ascii")
    return (
        body.replace(API, here + b"/v1")
        .replace(STREAM, here + STREAM_PATH.encode())
        .replace(DELIVERY, here + DELIVERY_PATH.encode())
    )


def file_response(path: str) -> SimulatedResponse:
    """The bytes served at `/delivery/...`: fixed by extension, the same on every request."""
    name = path.removeprefix(DELIVERY_PATH)
    if not name or ".." in name.split("/"):
        raise ApiError(404, "Not found.")
    extension = name[name.rfind(".") :].lower() if "." in name else ""
    body, content_type = _FILES.get(
        extension,
        (
            f"replicost simulator file {name}\n".encode(),
            _TYPES.get(extension, "application/octet-stream"),
        ),
    )
    return SimulatedResponse(200, body, content_type)


def stream_response(account: SimulatedAccount, path: str) -> SimulatedResponse:
    """The server-sent events of the prediction whose id ends `path`."""
    record_id = path.removeprefix(STREAM_PATH).strip("/")
    index = account.find("prediction", record_id) if record_id else None
    if index is None:
        raise ApiError(404, "Not found.")
    plan = account.plan("prediction", index)
    if not plan.stream:
        raise ApiError(404, "This prediction has no output stream.")
    moment = plan.created_ns // 1_000_000_000
    events: list[tuple[str, str]] = []
    if plan.final_status == "succeeded":
        events += [("output", chunk) for chunk in _chunks(plan.output)]
        events.append(("done", "{}"))
    elif plan.final_status == "failed":
        events.append(("error", orjson.dumps({"detail": plan.error or "failed"}).decode()))
        events.append(("done", '{"reason":"error"}'))
    else:  # canceled or aborted
        events.append(("done", '{"reason":"canceled"}'))
    text = "".join(
        f"event: {event}\nid: {moment}:{number}\n"
        + "".join(f"data: {line}\n" for line in data.split("\n"))
        + "\n"
        for number, (event, data) in enumerate(events)
    )
    return SimulatedResponse(200, text.encode(), EVENT_STREAM, {"Cache-Control": "no-store"})


def _chunks(output: Any) -> list[str]:
    """A streamed output as Replicate sends it: one event per token of a list, else one."""
    if isinstance(output, list):
        return [item if isinstance(item, str) else orjson.dumps(item).decode() for item in output]
    if output is None:
        return []
    return [output if isinstance(output, str) else orjson.dumps(output).decode()]
