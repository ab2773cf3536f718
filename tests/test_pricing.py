"""The price catalog: shipped prices with sources, SKU spellings, overrides, validation by line."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from cli_helpers import run_cli

from replicost.billing import pricing
from replicost.config import load_config
from replicost.errors import InputError


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def write(tmp_path, text: str, name: str = "prices.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_catalog_has_a_source_for_every_price_and_the_published_figures():
    catalog = pricing.shipped_catalog()
    rows = [row for history in catalog.hardware.values() for row in history]
    rows += [row for history in catalog.units.values() for row in history]
    assert rows and all(row.source.startswith("https://") and row.read for row in rows)
    # a price called Replicate's own (exact) points at Replicate: its site or its own repositories
    own = ("https://replicate.com/", "https://github.com/replicate/")
    units = [row for history in catalog.units.values() for row in history]
    assert all(row.source_kind in ("replicate", "third-party") for row in units)
    assert all(row.source.startswith(own) for row in units if row.source_kind == "replicate")
    # a third-party repository file is cited at a fixed commit, so the figure can be opened as read
    github = [row.source for row in units if row.source.startswith("https://github.com/")]
    assert github and all(re.search(r"/blob/[0-9a-f]{40}/", url) for url in github)
    assert "must be checked" in catalog.meta["note"]
    # figures from the issue (Replicate's pricing page), written here by hand
    now = at("2026-11-01T00:00:00")
    expected = {
        "cpu": "0.000100",
        "gpu-t4": "0.000225",
        "gpu-a40-small": "0.000575",
        "gpu-a40-large": "0.000725",
        "gpu-a100": "0.001150",
        "gpu-a100-large": "0.001400",
        "gpu-l40s": "0.000975",
        "gpu-h100": "0.001525",
        "gpu-l40s-2x": "0.001950",
        "gpu-a100-large-4x": "0.005600",
        "gpu-h100-8x": "0.012200",
        "gpu-a40-large-8x": "0.005800",
    }
    for sku, usd in expected.items():
        assert catalog.price_at(sku, now) == Decimal(usd), sku
    assert catalog.price_at("gpu-l40s", at("2024-06-01T00:00:00")) == Decimal("0.000972")
    per_unit = {
        ("black-forest-labs/flux-schnell", "image"): "0.003",
        ("black-forest-labs/flux-dev", "image"): "0.025",
        ("black-forest-labs/flux-1.1-pro", "image"): "0.04",
        ("black-forest-labs/flux-pro", "image"): "0.055",
        ("stability-ai/stable-diffusion-3.5-large", "image"): "0.065",
        ("meta/meta-llama-3-8b-instruct", "input_token"): "0.00000005",
        ("meta/meta-llama-3-8b-instruct", "output_token"): "0.00000025",
        ("meta/meta-llama-3-70b-instruct", "input_token"): "0.00000065",
        ("meta/meta-llama-3-70b-instruct", "output_token"): "0.00000275",
    }
    for key, usd in per_unit.items():
        assert catalog.units[key][-1].usd_per_unit == Decimal(usd), key


@pytest.mark.parametrize(
    ("spelled", "canonical"),
    [
        ("gpu-l40s-2x", "gpu-l40s-2x"),
        ("gpu-2x-l40s", "gpu-l40s-2x"),
        ("GPU-2X-A100-LARGE", "gpu-a100-large-2x"),
        (" gpu-a100-large-2x ", "gpu-a100-large-2x"),
        ("gpu-h100-1x", "gpu-h100"),
        ("gpu-t4", "gpu-t4"),
        ("cpu", "cpu"),
    ],
)
def test_both_multi_gpu_spellings_become_one_sku_in_python_and_sql(spelled, canonical):
    import duckdb

    from replicost.billing.costs import _TABLES

    assert pricing.canonical_sku(spelled) == canonical
    con = duckdb.connect()
    con.execute(_TABLES)
    assert con.execute("SELECT replicost_canonical_sku(?)", [spelled]).fetchone()[0] == canonical


def test_user_file_replaces_shipped_entries_key_by_key(tmp_path):
    path = write(
        tmp_path,
        """
[hardware]
"gpu-a40-large" = 0.0008
"gpu-2x-custom" = 0.5

[models]
"acme/private-upscaler" = "gpu-2x-a100-large"

[units."black-forest-labs/flux-schnell"]
image = 0.0035

[units."meta/meta-llama-3-8b-instruct"]
input_token_per_million = 0.06
""",
    )
    catalog = pricing.load_catalog(path)
    now = at("2025-05-01T00:00:00")
    assert catalog.price_at("gpu-a40-large", now) == Decimal("0.0008")
    assert catalog.price_at("gpu-a40-large-2x", now) == Decimal(
        "0.0016"
    )  # derived from the override
    assert catalog.price_at("gpu-custom-2x", now) == Decimal("0.5")
    assert catalog.price_at("gpu-t4", now) == Decimal("0.000225")  # untouched shipped row
    assert catalog.models["acme/private-upscaler"] == "gpu-a100-large-2x"
    assert catalog.units[("black-forest-labs/flux-schnell", "image")][0].usd_per_unit == Decimal(
        "0.0035"
    )
    # per million, stored per token exactly; the output price stays the shipped one
    assert catalog.units[("meta/meta-llama-3-8b-instruct", "input_token")][
        0
    ].usd_per_unit == Decimal("0.00000006")
    assert catalog.units[("meta/meta-llama-3-8b-instruct", "output_token")][
        0
    ].usd_per_unit == Decimal("0.00000025")
    assert catalog.layers == ["shipped catalog", str(path)]


def test_dated_forms_and_user_history_replacing_the_shipped_history(tmp_path):
    path = write(
        tmp_path,
        """
[hardware]
"gpu-l40s" = [
  { usd_per_second = 0.001, effective_from = 2025-06-15 },
  { usd_per_second = 0.0009 },
]
[[hardware_prices]]
sku = "gpu-t4"
usd_per_second = 0.0003
effective_from = "2025-06-15T12:00:00Z"
[[hardware_prices]]
sku = "gpu-t4"
usd_per_second = 0.0002
""",
    )
    catalog = pricing.load_catalog(path)
    assert catalog.price_at("gpu-l40s", at("2020-01-01T00:00:00")) == Decimal("0.0009")
    assert catalog.price_at("gpu-l40s", at("2025-06-15T00:00:00")) == Decimal("0.001")
    assert catalog.price_at("gpu-t4", at("2025-06-15T11:59:59")) == Decimal("0.0002")
    assert catalog.price_at("gpu-t4", at("2025-06-15T12:00:00")) == Decimal("0.0003")


BAD_FILE = """\
# line 1
[hardware]
"gpu-a40-large" = 0.000725
"gpu-t4" = -0.1
"gpu-x" = "cheap"
"gpu-huge" = 1e308
"gpu-nan" = nan
"gpu-inf" = inf
"gpu-bool" = true
"gpu-l40s" = [
  { usd_per_second = 0.000972 },
  { usd_per_second = 0.000975, effective_from = "2025-02-30" },
]
"gpu-fine" = 0.0000000000001

[models]
"acme/upscaler" = "gpu-zz9"
"no-slash" = "gpu-t4"

[units."black-forest-labs/flux-schnell"]
image = 0.003
video_second = 0.1

[units."acme/thing"]
image = { usd_per_unit = 0.01, colour = "red" }

[surprise]
x = 1
"""


def test_validate_reports_every_problem_on_its_line(tmp_path):
    problems = pricing.validate_file(write(tmp_path, BAD_FILE))
    found = {
        (problem.line, problem.severity, problem.message.split(":")[0]) for problem in problems
    }
    # (line, severity, start of message), read off BAD_FILE by hand
    assert found == {
        (4, "error", "hardware.gpu-t4"),
        (5, "error", "hardware.gpu-x"),
        (6, "error", "hardware.gpu-huge"),
        (7, "error", "hardware.gpu-nan"),
        (8, "error", "hardware.gpu-inf"),
        (9, "error", "hardware.gpu-bool"),
        (12, "error", "hardware.gpu-l40s.1.effective_from"),
        (14, "error", "hardware.gpu-fine"),
        (17, "warning", "models.acme/upscaler"),
        (18, "error", "models"),
        (
            22,
            "error",
            "unknown unit 'video_second' for black-forest-labs/flux-schnell (known units",
        ),
        (25, "error", "unknown key 'colour' (expected one of"),
        (27, "error", "unknown key 'surprise' (expected one of"),
    }
    by_line = {problem.line: problem.message for problem in problems}
    assert "must not be negative" in by_line[4]
    assert "without quotes" in by_line[5]
    assert "implausibly large" in by_line[6]
    assert "finite" in by_line[7] and "finite" in by_line[8]
    assert "must be a number" in by_line[9]
    assert "not a date" in by_line[12]
    assert "decimal places" in by_line[14]
    assert "has no price" in by_line[17]


def test_validate_command_exits_2_with_every_problem_and_0_when_clean(tmp_path):
    bad = run_cli("pricing", "validate", write(tmp_path, BAD_FILE))
    assert bad.code == 2
    assert bad.out.count(": error: ") == 12 and bad.out.count(": warning: ") == 1
    good = write(tmp_path, '[models]\n"acme/upscaler" = "gpu-t4"\n', "good.toml")
    result = run_cli("pricing", "validate", str(good))
    assert result.code == 0 and result.out.strip() == f"{good}: ok"


def test_validate_a_syntax_error_gives_its_line(tmp_path):
    problems = pricing.validate_file(write(tmp_path, '[hardware]\n"gpu-t4" = 0.1\n"gpu-x" = \n'))
    assert [(problem.line, problem.severity) for problem in problems] == [(3, "error")]
    assert "not valid TOML" in problems[0].message


def test_load_catalog_refuses_a_bad_file_in_one_line(tmp_path):
    with pytest.raises(InputError) as raised:
        pricing.load_catalog(write(tmp_path, BAD_FILE))
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith(f"{tmp_path / 'prices.toml'}:4: error:") and "and 11 more" in message
    with pytest.raises(InputError, match="does not exist"):
        pricing.load_catalog(tmp_path / "missing.toml")


def test_config_file_sections_rank_between_shipped_and_pricing_file(tmp_path, monkeypatch):
    prices = write(tmp_path, '[hardware]\n"gpu-t4" = 0.0003\n', "prices.toml")
    config_path = write(
        tmp_path,
        'pricing = "prices.toml"\ndb = "my.duckdb"\n'
        '[hardware]\n"gpu-t4" = 0.0002\n"cpu" = 0.0002\n'
        '[tags]\nteam = { model = "acme/*" }\n',
        "config.toml",
    )
    config = load_config(config_path)
    assert config.db == tmp_path / "my.duckdb" and config.pricing == prices
    assert config.tags == {"team": {"model": "acme/*"}}
    catalog = pricing.load_catalog(config=config)
    now = at("2025-01-02T00:00:00")
    assert catalog.price_at("gpu-t4", now) == Decimal("0.0003")  # pricing file beats config
    assert catalog.price_at("cpu", now) == Decimal("0.0002")  # config beats shipped
    explicit = write(tmp_path, '[hardware]\n"gpu-t4" = 0.0004\n', "explicit.toml")
    assert pricing.load_catalog(explicit, config=config).price_at("gpu-t4", now) == Decimal(
        "0.0004"
    )
    # with no config argument the default config file is read (REPLICOST_CONFIG here)
    monkeypatch.setenv("REPLICOST_CONFIG", str(config_path))
    assert pricing.load_catalog().price_at("cpu", now) == Decimal("0.0002")


def test_config_errors_are_one_line_with_the_line_number(tmp_path):
    with pytest.raises(InputError, match=r"config.toml:2: error: unknown key 'colour'"):
        load_config(write(tmp_path, 'db = "x.duckdb"\ncolour = "red"\n', "config.toml"))
    with pytest.raises(InputError, match="does not exist"):
        load_config(tmp_path / "nope.toml")
    assert load_config().path is None  # no default config file: empty config


def test_pricing_show_prints_the_merged_catalog_with_sources(tmp_path):
    path = write(tmp_path, '[models]\n"acme/upscaler:abc123" = "gpu-2x-l40s"\n')
    result = run_cli("pricing", "show", "--pricing", str(path))
    assert result.code == 0, result.err
    assert "must be checked" in result.out
    assert "https://replicate.com/pricing" in result.out
    assert "acme/upscaler:abc123" in result.out and "gpu-l40s-2x" in result.out
    as_json = run_cli("pricing", "show", "--json")
    assert '"usd_per_second": "0.000975"' in as_json.out


def test_input_files_over_the_size_cap_are_refused_in_one_line(tmp_path):
    from replicost import tomlfile

    big = tmp_path / "huge.toml"
    big.write_bytes(b"# " + b"x" * tomlfile.MAX_BYTES + b"\n")
    with pytest.raises(InputError, match=r"huge.toml is over 10 MB"):
        pricing.load_catalog(big)
    with pytest.raises(InputError, match=r"config file .*huge.toml is over 10 MB"):
        load_config(big)


def test_every_catalog_entry_has_a_source_a_user_can_open_and_a_date():
    """Hardware, the public-model map and per-output rows alike: an http(s) address, a file of a
    repository only at a 40-hex commit (in its address, and in a note that names it), a read date."""
    from importlib import resources

    catalog = pricing.shipped_catalog()
    entries = [
        (f"hardware {row.sku}", row.source, row.read, row.note)
        for history in catalog.hardware.values()
        for row in history
    ]
    entries += [
        (f"public_models {e.model}", e.source, e.read, e.note)
        for e in catalog.public_models.values()
    ]
    entries += [
        (f"units {row.model} {row.unit}", row.source, row.read, row.note)
        for history in catalog.units.values()
        for row in history
    ]
    assert len(catalog.public_models) >= 30 and len(entries) > 300
    for what, source, read, note in entries:
        assert re.fullmatch(r"https?://[^\s\"'<>]+", source), (what, source)
        if "github.com" in source:
            assert re.search(r"/blob/[0-9a-f]{40}/", source), (what, source)
        assert re.fullmatch(r"\d{4}-\d\d-\d\d", read) and read <= "2026-12-31", (what, read)
        cited = re.match(r"^([\w.-]+/[\w.-]+): \S+ @ (\S+)", note)
        if cited:
            assert re.fullmatch(r"[0-9a-f]{40}", cited.group(2)), (what, note)
    text = resources.files("replicost.billing").joinpath("catalog.toml").read_text("utf-8")
    assert "stored-code index" not in text and "repository name not given" not in text
