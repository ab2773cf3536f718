"""Cases: damaged database files and bad settings files (pricing, config) give one clear error line."""

from __future__ import annotations

import random
from pathlib import Path

import duckdb
from cli_helpers import run_cli

from replicost.simulator import serve

from reliability.common import (
    TOKEN,
    CaseResult,
    file_digest,
    fresh,
    make_app,
    one_clear_line,
    synced_database,
    tree_digest,
)
from reliability.parsers import toml_documents


# ----- case: bad database files --------------------------------------------------------------
def damaged_databases(good: Path, folder: Path, *, seed: int = 0) -> dict[str, Path]:
    """Variants of a good database: truncated, emptied, garbage, damaged blocks, newer schema..."""
    import shutil

    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    data = good.read_bytes()
    chance = random.Random(seed)
    variants: dict[str, bytes | None] = {
        "empty file": b"",
        "garbage bytes": bytes(chance.getrandbits(8) for _ in range(100_000)),
        "truncated inside the header (4 KiB)": data[:4096],
        "truncated after the header (20 KB)": data[:20_000],
        "truncated at half": data[: len(data) // 2],
        "truncated one block short": data[: len(data) - 262_144],
    }
    for fraction in (0.2, 0.45, 0.7, 0.9):
        at = int(len(data) * fraction)
        damaged = bytearray(data)
        damaged[at : at + 8192] = bytes(chance.getrandbits(8) for _ in range(8192))
        variants[f"8 KiB of random bytes at {int(fraction * 100)}% of the file"] = bytes(damaged)
    out = {}
    for number, (name, content) in enumerate(variants.items()):
        path = folder / f"variant-{number}.duckdb"
        path.write_bytes(content)
        out[name] = path
    newer = folder / "newer.duckdb"
    newer.write_bytes(data)
    con = duckdb.connect(str(newer))
    con.execute("INSERT INTO schema_migrations VALUES ('m999_from_the_future', now())")
    con.close()
    out["newer schema version"] = newer
    foreign = folder / "foreign.duckdb"
    con = duckdb.connect(str(foreign))
    con.execute("CREATE TABLE predictions (id INTEGER)")
    con.close()
    out["another program's DuckDB file"] = foreign
    directory = folder / "a-folder.duckdb"
    directory.mkdir(exist_ok=True)
    out["a folder where the file should be"] = directory
    return out


def bad_database_files(*, workdir: Path, seed: int = 0) -> CaseResult:
    """Every command that opens the database, on every damaged variant: exit 2 (budget check: 3,
    could not check) with one clear line
    (or a report that works where the damage is in blocks no query reads), file bytes unchanged."""
    result = CaseResult(
        "Bad files: database",
        "empty, garbage, truncated (4 ways), damaged blocks (4 places), "
        "newer schema, foreign DuckDB file, folder: sync, report spend/summary, budget check, "
        "export",
    )
    good = synced_database(workdir / "good.duckdb")
    variants = damaged_databases(good, workdir / "variants", seed=seed)
    app = make_app(400, trainings=10, seed=3)
    outcomes: dict[str, set[str]] = {}
    with serve(app) as server:
        commands = {
            "sync": ["sync", "--base-url", server.base_url, "--token", TOKEN, "--quiet"],
            # --until: the uptime estimates of open-ended reports grow with the clock
            "report spend": [
                "report",
                "spend",
                "--by",
                "model",
                "--format",
                "json",
                "--until",
                "2026-10-31",
            ],
            "report summary": ["report", "summary"],
            "budget check": ["budget", "check", "--monthly", "1000000"],
            "export": ["export", "--format", "csv", "--out", str(workdir / "export")],
        }
        # what each read-only command prints for the intact file: a command that still works on a
        # damaged copy (the damage is in blocks it never reads) must print exactly this
        intact = {
            name: run_cli(*args, "--db", str(good))[:2]
            for name, args in commands.items()
            if name != "sync"
        }
        for variant, path in variants.items():
            for name, args in commands.items():
                before = tree_digest(path) if path.is_dir() else file_digest(path)
                code, out, err = run_cli(*args, "--db", str(path))
                after = tree_digest(path) if path.is_dir() else file_digest(path)
                result.runs += 1
                if code == 0 and name == "sync":
                    outcomes.setdefault(
                        "sync worked (the damage is in blocks it never read)", set()
                    ).add(variant)
                    continue  # a sync that works writes, of course
                if code == 0:
                    if name == "report spend" and (code, out) != intact[name]:
                        result.fail(
                            f"{variant}: {name} printed something else than for the intact file"
                        )
                    outcomes.setdefault(
                        f"{name} worked"
                        + (", same output as the intact file" * (name == "report spend")),
                        set(),
                    ).add(variant)
                    continue
                problem = one_clear_line(err)
                refused = 3 if name == "budget check" else 2  # budget check: "could not check"
                if code != refused or problem:
                    result.fail(f"{variant}: {name}: exit {code}, {problem or err.strip()[:200]}")
                if before != after:
                    if name == "sync":
                        # DuckDB finds a damaged block only when a query reads it: the sync has
                        # committed its sync_log row by then (the damaged blocks stay as they were)
                        outcomes.setdefault(
                            "sync refused the file, but after writing its sync_log row", set()
                        ).add(variant)
                    else:
                        result.fail(f"{variant}: {name} changed the file")
    for outcome, names in sorted(outcomes.items()):
        result.notes.append(f"{outcome}: {len(names)} variant(s): {', '.join(sorted(names))}")
    if any(outcome.startswith("sync refused") for outcome in outcomes):
        result.deviations.append(
            "a sync on a file damaged mid-way is refused (exit 2) only when DuckDB reads "
            "the damaged block, after it committed its sync_log row: the file changes"
        )
    return result


# ----- case: bad pricing and config files ------------------------------------------------------
PRICING_SAMPLE = """# prices
[hardware]
"gpu-a40-large" = 0.000725
"gpu-l40s" = [
  { usd_per_second = 0.000972 },
  { usd_per_second = 0.000975, effective_from = 2025-01-01, source = "pricing page" },
]
[[hardware_prices]]
sku = "gpu-t4"
usd_per_second = 0.000225
effective_from = 2024-05-01T00:00:00Z
[models]
"acme/private-upscaler" = "gpu-a100-large"
"acme/private-upscaler:abc" = 'gpu-2x-h100'
[units."black-forest-labs/flux-schnell"]
image = 0.003
[units."meta/meta-llama-3-8b-instruct"]
input_token_per_million = 0.05
output_token = [{ usd_per_unit = 0.00000025, effective_from = 2024-04-18 }]
[deployments]
"acme/upscaler" = "gpu-l40s"
"acme/chat" = [{ hardware = "gpu-a100-large", effective_from = 2025-03-01, min_instances = 1 }]
"""
CONFIG_SAMPLE = 'db = "r.duckdb"\n' + PRICING_SAMPLE + '[tags]\nteam = """multi\n[hardware]\n"""\n'

BAD_SETTINGS_FILES = {
    "syntax error": '[hardware\n"gpu-t4" = 0.1\n',
    "price as text": '[hardware]\n"gpu-t4" = "cheap"\n',
    "wrong section type": 'hardware = 5\nmodels = ["a/b"]\n',
    "unknown keys": '[hardware]\n"gpu-t4" = { usd_per_second = 0.1, colour = "red" }\n[bogus]\nx = 1\n',
    "huge values": '[hardware]\n"gpu-t4" = 1e308\n"cpu" = 99999999999999999999999999999999999999999\n',
    "inf and nan": '[hardware]\n"gpu-t4" = inf\n"cpu" = nan\n',
    "negative and out-of-range": '[units."a/b"]\nimage = -1\n[deployments]\n"a/b" = { hardware = "gpu-t4", min_instances = 1000000000 }\n',
    "bad dates": '[hardware]\n"gpu-t4" = [{ usd_per_second = 0.1, effective_from = "last tuesday" }]\n',
    "control characters in keys": '[hardware]\n"gpu\\nt4\\u001b[31m" = "x"\n[models]\n"a/b\\n" = "gpu-t4"\n',
    "not UTF-8": b"\xff\xfe[hardware]\n",
    "a million digits": '[hardware]\n"gpu-t4" = 0.' + "1" * 1_000_000 + "\n",
    "deeply nested": "x = " + "[" * 5000 + "]" * 5000 + "\n",
}


def _write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def check_settings_file_via_cli(
    path: Path, db: Path, result: CaseResult, label: str, *, sync_url: str | None = None
) -> None:
    """A pricing or config file through the commands that read it: exit 2 with one clear line (or
    0 when the file is fine), and the database file byte for byte as before."""
    before = file_digest(db)
    runs = [
        ("pricing validate", ["pricing", "validate", str(path)], None),
        (
            "report spend --pricing",
            ["report", "spend", "--by", "model", "--db", str(db), "--pricing", str(path)],
            None,
        ),
        (
            "report spend --config",
            ["report", "spend", "--by", "model", "--db", str(db), "--config", str(path)],
            None,
        ),
    ]
    if sync_url:  # a throwaway database: a config refused must be refused before it is created
        throwaway = fresh(db.parent / "sync-with-config.duckdb")
        runs.append(
            (
                "sync with the config",
                ["sync", "--base-url", sync_url, "--token", TOKEN, "--quiet", "--only", "hardware"],
                {"REPLICOST_CONFIG": str(path), "REPLICOST_DB": str(throwaway)},
            )
        )
    for name, args, env in runs:
        code, out, err = run_cli(*args, env=env)
        result.runs += 1
        if name == "sync with the config" and code == 2 and throwaway.exists():
            result.fail(f"{label}: the sync created its database before refusing the config")
        if name == "pricing validate":
            errors = [line for line in err.splitlines() if line.strip()]
            if code == 0:
                continue
            if (
                code != 2
                or "Traceback" in err
                or len(errors) != 1
                or not errors[0].startswith("error: ")
                or any("\x1b" in line or "\r" in line for line in out.splitlines())
            ):
                result.fail(f"{label}: {name}: exit {code}, stderr {err.strip()[:200]!r}")
            continue
        if code == 0:
            continue  # the file was valid for this reader
        problem = one_clear_line(err)
        if code != 2 or problem:
            result.fail(f"{label}: {name}: exit {code}, {problem or err.strip()[:200]}")
    if file_digest(db) != before:
        result.fail(f"{label}: the database file changed")


def bad_settings_files(*, workdir: Path, examples: int, db: Path | None = None) -> CaseResult:
    """Hand-written bad pricing/config files, then hypothesis: mutated and generated files."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    result = CaseResult(
        "Bad files: pricing and config",
        "syntax errors, wrong types, unknown keys, huge values, "
        "inf/nan, bad dates, control characters, non-UTF-8, a million digits, deep nesting; then "
        f"hypothesis ({examples} mutated + {examples} generated files per parser) through "
        "`pricing validate`, `report spend --pricing/--config` and `sync` with the config",
    )
    workdir.mkdir(parents=True, exist_ok=True)
    db = db or synced_database(workdir / "good.duckdb")
    with serve(make_app(50, trainings=0)) as server:
        for name, content in BAD_SETTINGS_FILES.items():
            check_settings_file_via_cli(
                _write(workdir / "bad.toml", content), db, result, name, sync_url=server.base_url
            )
    counter = {"examples": 0}

    def library_property(text: str) -> None:
        """The parsers themselves: a list of problems or an InputError with one line, nothing else."""
        from replicost.billing import pricing
        from replicost.config import load_config
        from replicost.errors import InputError

        path = _write(workdir / "fuzz.toml", text)
        counter["examples"] += 1
        pricing.validate_text(text, "fuzz.toml", extra_keys=("db", "pricing", "tags"))
        for load in (lambda: pricing.load_layer(path), lambda: load_config(path)):
            try:
                load()
            except InputError as exc:
                if "\n" in str(exc) or "\r" in str(exc):
                    raise AssertionError(f"a multi-line error: {str(exc)!r}") from None

    atoms = [
        '"',
        "'",
        '"""',
        "'''",
        "[",
        "]",
        "[[",
        "]]",
        "{",
        "}",
        "=",
        ",",
        ".",
        "\n",
        "#",
        "\\",
        "\\u001b",
        "\\n",
        "-",
        "1e999",
        "-0.0",
        "inf",
        "nan",
        "2025-13-01",
        "é",
        " ",
        "9" * 40,
        "true",
        "0x10",
    ]
    edits = st.lists(
        st.tuples(
            st.integers(0, len(CONFIG_SAMPLE)),
            st.integers(0, 20),
            st.lists(st.one_of(st.sampled_from(atoms), st.text(max_size=3)), max_size=4).map(
                "".join
            ),
        ),
        min_size=1,
        max_size=4,
    )

    def mutate(ops) -> str:
        text = CONFIG_SAMPLE
        for position, cut, inserted in ops:
            position = min(position, len(text))
            text = text[:position] + inserted + text[position + cut :]
        return text.encode("utf-8", "replace").decode("utf-8", "replace").replace("\ud800", "")

    fuzz_settings = settings(
        max_examples=examples,
        deadline=None,
        database=None,
        report_multiple_bugs=False,
        suppress_health_check=list(HealthCheck),
    )
    every = max(1, examples // 10)  # one example in ten also goes through the CLI

    @fuzz_settings
    @given(edits)
    def mutated(ops) -> None:
        text = mutate(ops)
        library_property(text)
        if counter["examples"] % every == 0:
            check_settings_file_via_cli(
                workdir / "fuzz.toml", db, result, f"mutated file {text[:80]!r}"
            )

    @fuzz_settings
    @given(toml_documents())
    def generated(document: str) -> None:
        library_property(document)
        if counter["examples"] % every == 0:
            check_settings_file_via_cli(
                workdir / "fuzz.toml", db, result, f"generated file {document[:80]!r}"
            )

    for name, property_test in (("mutated", mutated), ("generated", generated)):
        try:
            property_test()
        except Exception as exc:  # noqa: BLE001 - hypothesis re-raises the shrunk failing example
            result.fail(f"{name} files: {type(exc).__name__}: {str(exc)[:400]}")
    result.runs += counter["examples"]
    return result
