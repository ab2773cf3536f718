"""`replicost pricing update --from FILE|URL`: a newer catalog checked, kept beside the config file,
used by every command, and ignored (with a warning) when what is kept there cannot be trusted."""

from __future__ import annotations

import http.server
import json
import threading
from importlib import resources

import pytest
from cli_helpers import run_cli

from replicost.billing import pricing
from replicost.billing.pricing import loading
from replicost.paths import updated_catalog_path

SHIPPED = resources.files("replicost.billing").joinpath("catalog.toml").read_text(encoding="utf-8")
SCHNELL = '[units."black-forest-labs/flux-schnell"]\nimage = [{ usd_per_unit = 0.003,'


def newer(snapshot: str = "2027-01-15", schnell: str = "0.0025") -> str:
    """The shipped catalog with a later snapshot and FLUX schnell at another price."""
    assert SCHNELL in SHIPPED and 'snapshot = "' in SHIPPED
    text = SHIPPED.replace(SCHNELL, SCHNELL.replace("0.003", schnell))
    start = text.index('snapshot = "')
    return text[:start] + f'snapshot = "{snapshot}"' + text[text.index("\n", start) :]


@pytest.fixture(autouse=True)
def fresh_warnings():
    loading._warned.clear()


def schnell_price() -> str:
    rows = pricing.load_catalog(None).units[("black-forest-labs/flux-schnell", "image")]
    return format(rows[-1].usd_per_unit, "f")


def show() -> dict:
    result = run_cli("pricing", "show", "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)["catalog"]


def test_shipped_catalog_is_named_with_its_date():
    assert show() == {"kind": "shipped", "path": None, "snapshot": "2026-11-21"}
    assert "Catalog in use: shipped (snapshot 2026-11-21)" in run_cli("pricing", "show").out


def test_update_from_a_file_is_kept_and_used(tmp_path):
    source = tmp_path / "newer.toml"
    source.write_text(newer(), encoding="utf-8")
    result = run_cli("pricing", "update", "--from", source)
    assert result.code == 0, result.err
    path = updated_catalog_path()
    assert path.read_text(encoding="utf-8") == newer() and str(path) in result.out
    assert show() == {"kind": "updated", "path": str(path), "snapshot": "2027-01-15"}
    assert schnell_price() == "0.0025"


def test_update_from_a_url(tmp_path):
    body = newer("2027-02-01").encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(200 if self.path == "/catalog.toml" else 404)
            self.end_headers()
            self.wfile.write(body if self.path == "/catalog.toml" else b"no")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        assert run_cli("pricing", "update", "--from", f"{base}/catalog.toml").code == 0
        assert show()["snapshot"] == "2027-02-01"
        missing = run_cli("pricing", "update", "--from", f"{base}/nothing")
        assert missing.code == 2 and "HTTP 404" in missing.err
    finally:
        server.shutdown()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("not toml at all [", "not valid TOML"),
        (
            newer().replace("usd_per_second = 0.000100", 'usd_per_second = "free"'),
            "must be a number",
        ),
        (newer().replace('source = "https://replicate.com/pricing"\n', "", 1), "source"),
        ('[meta]\nsnapshot = "2027-01-01"\n[hardware]\ncpu = 0.0001\n', "source"),
        (newer(snapshot="2025-01-01"), "older than the shipped catalog"),
    ],
)
def test_garbage_or_an_older_catalog_is_refused_and_nothing_is_kept(tmp_path, text, expected):
    source = tmp_path / "bad.toml"
    source.write_text(text, encoding="utf-8")
    result = run_cli("pricing", "update", "--from", source)
    assert result.code == 2 and expected in result.err, result.err
    assert not updated_catalog_path().exists()
    assert schnell_price() == "0.003"


@pytest.mark.parametrize(
    "planted",
    [
        b"\x00\xff binary",
        newer().replace("usd_per_unit = 0.0025", "usd_per_unit = -5").encode(),
        b'[meta]\nsnapshot = "2099-01-01"\n' + b"[" * 5000,
        newer(snapshot="2020-01-01").encode(),
    ],
)
def test_a_catalog_planted_later_is_ignored_with_a_warning(planted, capsys):
    path = updated_catalog_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(planted)
    assert schnell_price() == "0.003"  # the shipped price, never the planted one
    assert f"warning: ignoring the updated price catalog {path}" in capsys.readouterr().err
    result = run_cli("pricing", "show", "--json")
    assert result.code == 0 and json.loads(result.out)["catalog"]["kind"] == "shipped"
