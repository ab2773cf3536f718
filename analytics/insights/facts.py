"""The insights' facts: per-day aggregates of every priced record, and the cache that keeps them.

`load_facts(con, period)` fills the TEMP table `insight_facts` that every finder but the
idle-deployment one reads: one row per (kind, model, version, deployment, source, status,
hardware, basis, reason, cost kind on the bill, error class, UTC day) of the records created
before the period's end (all history: spikes need the 28 days before the period, version changes
the versions before it).

Pricing ten million records is the expensive part of a report (about 3 s of a 10M account here),
and the aggregates only change where records or prices do. So the aggregates of all history are
cached beside the user's other caches (`<cache dir>/insights/`: per database and set of prices, a
JSON manifest naming a few Parquet files; the database itself is opened read-only by reports and is never written), and
a report re-prices only what changed since:

- the cache belongs to one set of prices: a digest of everything a record's price is decided from
  (the price segments of every model and deployment with their hardware, prices and reasons, the
  deployments' timeline, the official models, the catalog's price range, the pricing SQL itself,
  replicost's and DuckDB's versions). Any change, such as an edited pricing file or a newly synced
  release, leads to another set: the report prices everything again (the sets of the last
  MAX_SETS sets of prices are kept, so switching between pricing files does not);
- each UTC day of records has a signature: per table, its count of records, how many carry a
  sync stamp, the latest `synced_at` (every row a sync writes is stamped), how many are
  quarantined, and a digest of the status, model, version, deployment, predict_time and
  started_at of its records (so a hand edit of those is seen too). A report compares them with
  the cached ones (a 0.2 s scan of a 10M account) and re-prices every day from the first one that
  differs;
- the facts sit in two files: the days before `tail_from` (base) and the last TAIL_DAYS days when
  they were split (tail). A change in the tail, as a sync's new day is, re-prices that day into
  the tail and rewrites the tail alone; a change before it, or a tail grown past two months,
  splits them again.

The idle-deployment finder's rows (its predictions' active time and overflow runs per deployment
and month, `idle.BUSY_SQL`) are cached the same way, re-computed from the first of the changed
day's month; they serve a report whose period is made of whole months (or open), as the default
is; any other period computes them live.

The figures are the same with or without the cache (the cached rows are what the scan writes;
tests compare both). `cache=False` (`report insights --no-cache`) skips it; a cache that cannot be
read or written (a read-only folder, a file another report is replacing) is ignored, never an error.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

import replicost
from replicost.analytics.reports.filters import floor_div
from replicost.billing.cost_sql import both_kinds
from replicost.billing.costs import grouped_labels, has_column
from replicost.paths import cache_dir

from . import idle
from .base import Period

CACHE_FORMAT = 4
STRAY_SECONDS = 600
MAX_SETS = 4  # sets of prices kept per database (a report with --pricing keeps its own)
UNCHANGED = "unchanged"  # what stale_from says when no day changed
# What reading a cached file that is damaged, or was replaced meanwhile, raises (nothing else is
# caught: a mistake in the SQL must fail loudly, not fall back to a full scan forever)
UNREADABLE = (duckdb.IOException, duckdb.InvalidInputException)
_DAY_US = 86_400_000_000
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

# A record's UTC day as days since 1970-01-01, rounded down (before 1970 too).
DAY_NUMBER_SQL = floor_div("epoch_us(created_at)", str(_DAY_US))

# Similar error texts as one class: the first line and sentence, numbers as N, at most 80 chars.
ERROR_CLASS_SQL = r"""CASE status
    WHEN 'canceled' THEN '(canceled)' WHEN 'aborted' THEN '(aborted)'
    ELSE coalesce(nullif(trim(left(regexp_replace(regexp_replace(
             split_part(split_part(coalesce(error, ''), chr(10), 1), '. ', 1),
             '[0-9]+([.,][0-9]+)*', 'N', 'g'), '\s+', ' ', 'g'), 80)), ''), '(no error text)')
END"""

# Shape: one row per (kind, model, version, deployment, source, status, hardware, basis, reason,
# cost kind, error class, day_number) of the records created in [$from_utc, $end_utc), with the
# money in integer micro-dollars and the billable seconds in microseconds (what the cache holds).
# Speed: the scan reads the unlabelled pricing steps (`*_costs_steps`) and groups them by an integer
# day, a waste record's error text as it is, and every input of the bill's labels (flags, the price
# segment's hardware and reason); the labels (costs.grouped_labels, the same SQL the priced views
# use per record) and the error class (two regular expressions) are then computed once per group,
# on a few hundred thousand rows instead of ten million records.
_SCAN = """
WITH steps AS ({steps}),
scanned AS (
    SELECT kind, version, source, {inputs},
           -- status_class 2: failed, canceled or aborted (WASTE_STATUSES), told without a string test
           status_class = 2 AS waste, CASE WHEN status_class = 2 THEN error END AS error,
           {day_number} AS day_number,
           count(*) AS records, sum(cost_micro) AS cost_micro, sum(seconds_micro) AS billable_micro,
           sum(predict_time) AS timed_seconds, count(predict_time) AS timed,
           sum(unpriced_low_micro) AS unpriced_low_micro, sum(unpriced_high_micro) AS unpriced_high_micro
    FROM steps
    WHERE created_at IS NOT NULL AND created_at >= $from_utc AND created_at < $end_utc
    GROUP BY ALL
),
labelled AS (
    SELECT kind, model, version, deployment, source, status, {labels},
           CASE WHEN waste THEN {error_class} END AS error_class, day_number,
           records, cost_micro, billable_micro, timed_seconds, timed, unpriced_low_micro,
           unpriced_high_micro
    FROM scanned
)
SELECT kind, model, version, deployment, source, status, hardware, basis, reason, reason_code,
       reason_subject, cost_kind, error_class, day_number,
       -- (DECIMAL(38,0), not HUGEINT: Parquet has no 128-bit integer and would store a DOUBLE)
       sum(records)::BIGINT AS records, sum(cost_micro)::DECIMAL(38,0) AS cost_micro,
       sum(billable_micro)::DECIMAL(38,0) AS billable_micro, sum(timed_seconds) AS timed_seconds,
       sum(timed)::BIGINT AS timed, sum(unpriced_low_micro)::DECIMAL(38,0) AS unpriced_low_micro,
       sum(unpriced_high_micro)::DECIMAL(38,0) AS unpriced_high_micro
FROM labelled
GROUP BY ALL
"""

# insight_facts from the integer rows of {source} (a scan, or the cache) before $end_day: dollars
# and seconds as the finders read them. `seconds` are billable seconds (predict_time, else
# completed_at - started_at); `seconds_ok` and `timed_ok` the predict_time of succeeded runs;
# `unpriced_*_usd` the bill's range of unpriced ones.
_FACTS = """
CREATE OR REPLACE TEMP TABLE insight_facts AS
SELECT kind, model, version, deployment, source, status, hardware, basis, reason, reason_code,
       reason_subject, cost_kind, error_class,
       CAST(DATE '1970-01-01' + CAST(day_number AS INTEGER) AS DATE) AS day,
       records, replicost_usd(cost_micro) AS cost_usd,
       coalesce(billable_micro, 0)::DOUBLE / 1000000.0 AS seconds,
       replicost_usd(unpriced_low_micro) AS unpriced_low_usd,
       replicost_usd(unpriced_high_micro) AS unpriced_high_usd,
       CASE WHEN status = 'succeeded' THEN timed ELSE 0 END AS timed_ok,
       CASE WHEN status = 'succeeded' THEN timed_seconds END AS seconds_ok
FROM {source}
WHERE day_number < $end_day
"""

# Everything a record's price is decided from, as text to digest (see the module docstring).
_PRICES = """
SELECT md5(coalesce(string_agg(line, chr(10) ORDER BY line), '')) FROM (
    SELECT 'segment ' || CAST(r AS VARCHAR) AS line FROM replicost_resolution r
    UNION ALL SELECT 'official ' || model FROM replicost_official
    UNION ALL SELECT 'range ' || CAST(p AS VARCHAR) FROM replicost_price_range p
    UNION ALL SELECT 'timeline ' || CAST(t AS VARCHAR) FROM replicost_deployment_timeline t
    UNION ALL SELECT 'view ' || view_name || ' ' || sql FROM duckdb_views()
              WHERE temporary AND view_name IN ('prediction_costs_steps', 'training_costs_steps')
)
"""

# Shape: one row per (kind, UTC day) of {table}: the day's signature (see the module docstring).
# Days here are counted with `//`, which rounds toward zero (cheaper than DAY_NUMBER_SQL's floor);
# they differ only before 1970, which the refresh covers by re-pricing from a day earlier.
_DAYS = """
SELECT '{kind}' AS kind, epoch_us(created_at) // 86400000000 AS day_number, count(*) AS records,
       count(synced_at) AS stamped, max(synced_at) AS synced_at, count({quarantine}) AS quarantined,
       bit_xor(hash(status, model, version, deployment, predict_time, started_at)) AS digest
FROM {table}
WHERE created_at IS NOT NULL
GROUP BY ALL
"""


def scan_sql() -> str:
    """The scan of the priced records into integer per-day rows ($from_utc, $end_utc)."""
    inputs, labels = grouped_labels()
    return _SCAN.format(
        steps=both_kinds("*", "costs_steps"),
        inputs=inputs,
        labels=labels,
        error_class=ERROR_CLASS_SQL,
        day_number=DAY_NUMBER_SQL,
    )


def _day_number(moment: dt.datetime) -> int:
    return (moment - _EPOCH) // dt.timedelta(days=1)


def _midnight(day_number: int) -> dt.datetime:
    return _EPOCH + dt.timedelta(days=day_number)


def load_facts(con: duckdb.DuckDBPyConnection, period: Period, *, cache: bool = True) -> None:
    """Fill `insight_facts` for `period`: from the cache where it still holds, else by a scan.
    With the cache, the idle finder's rows of all history come along (TEMP `idle.CACHED_BUSY`)."""
    end = period.end.astimezone(dt.UTC) if period.end else None
    whole_days = end is None or end == _midnight(_day_number(end))
    end_day = {"end_day": _day_number(end) if end else 2**31 - 1}
    con.execute(f"DROP TABLE IF EXISTS {idle.CACHED_BUSY}")
    store = FactsCache.of(con) if cache and whole_days else None
    if store is not None:
        try:
            sources = store.refresh(con)[0]
            con.execute(_FACTS.format(source=sources["facts"]), end_day)
            con.execute(f"CREATE TEMP TABLE {idle.CACHED_BUSY} AS SELECT * FROM {sources['busy']}")
            return
        except UNREADABLE:
            # the cached files went away meanwhile (another report replaced them): scan
            con.execute(f"DROP TABLE IF EXISTS {idle.CACHED_BUSY}")
    # the period's end itself bounds the scan: nothing after it is priced
    params = {"from_utc": "-infinity", "end_utc": end or "infinity"}
    con.execute(f"CREATE OR REPLACE TEMP TABLE replicost_facts_rows AS {scan_sql()}", params)
    con.execute(_FACTS.format(source="replicost_facts_rows"), end_day)


# A cached set: the facts of the days before `tail_from` (base), of the days from it on (tail: the
# last TAIL_DAYS days when it was split, so a refresh after a sync rewrites only this small file),
# the idle finder's rows (busy) and the days' signatures (days). Each is one Parquet file.
PARTS = ("base", "tail", "busy", "days")
TAIL_DAYS = 31


def _union(first: str, second: str) -> str:
    return f"(SELECT * FROM {first} UNION ALL BY NAME SELECT * FROM {second})"


def _priced_from(
    con: duckdb.DuckDBPyConnection, table: str, from_day: int | None, kept: str | None
) -> None:
    """TEMP `table`: the facts priced from `from_day` on (all history when None), after the rows
    of `kept` (cached facts) before that day."""
    params: dict[str, Any] = {
        "from_utc": _midnight(from_day) if from_day is not None else "-infinity"
    }
    sql = scan_sql()
    if kept is not None:
        sql = f"SELECT * FROM {kept} WHERE day_number < $before UNION ALL BY NAME SELECT * FROM ({sql})"
        params["before"] = from_day
    con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS {sql}", {**params, "end_utc": "infinity"})


def _busy_from(con: duckdb.DuckDBPyConnection, from_day: int | None, kept: str | None) -> None:
    """TEMP replicost_busy_rows: the idle finder's rows from the first of `from_day`'s month on
    (all history when None), after the cached rows of the months before."""
    month = _midnight(from_day).replace(day=1) if from_day is not None else None
    params = idle.busy_params(month or "-infinity", "infinity")
    sql = idle.busy_sql(con)
    if kept is not None and month is not None:
        sql = f"SELECT * FROM {kept} WHERE month < $before UNION ALL BY NAME SELECT * FROM ({sql})"
        params["before"] = f"{month:%Y-%m}"
    con.execute(f"CREATE OR REPLACE TEMP TABLE replicost_busy_rows AS {sql}", params)


def _split(con: duckdb.DuckDBPyConnection, rows: str) -> tuple[int, dict[str, str]]:
    """`rows` (all the facts) as a new base and tail: tail_from, and the SELECT of each."""
    found = con.execute(f"SELECT max(day_number) FROM {rows}").fetchone()
    tail_from = int(found[0]) - TAIL_DAYS + 1 if found and found[0] is not None else 0
    return tail_from, {
        "base": f"SELECT * FROM {rows} WHERE day_number < {tail_from}",
        "tail": f"SELECT * FROM {rows} WHERE day_number >= {tail_from}",
    }


@dataclass(frozen=True)
class FactsCache:
    """The cached facts of one database: a set per set of prices (up to MAX_SETS, the most recently
    written kept), `<stem>.<prices>.json` naming the Parquet files of each."""

    folder: Path
    stem: str
    database: Path

    @classmethod
    def of(cls, con: duckdb.DuckDBPyConnection) -> FactsCache | None:
        row = con.execute(
            "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
        ).fetchone()
        if not row or not row[0]:
            return None  # an in-memory database: nothing outlives the connection
        database = Path(row[0]).resolve()
        stem = hashlib.sha256(str(database).encode()).hexdigest()[:24]
        return cls(cache_dir() / "insights", stem, database)

    def refresh(self, con: duckdb.DuckDBPyConnection) -> tuple[dict[str, str], Any]:
        """All history's facts and idle rows, re-pricing only the days that changed: the SQL to
        read each ("facts", "busy") from, and what was priced again (UNCHANGED: nothing; a day
        number: from it on; None: everything)."""
        key = _prices_key(con)
        manifest = self._manifest(key) or {}
        files = {part: self._file(manifest, part) for part in PARTS}
        cached_facts = _union(files["base"], files["tail"])
        from_day = self.stale_from(con, key, manifest)
        if from_day is UNCHANGED:
            return {"facts": cached_facts, "busy": files["busy"]}, from_day
        tail_from = manifest.get("tail_from")
        written: dict[str, str] | None = None  # part -> the rows to write (others: kept as is)
        if from_day is not None and isinstance(tail_from, int):
            try:
                _busy_from(con, from_day, files["busy"])
                tail_from, written = self._update(con, from_day, files, tail_from)
            except UNREADABLE:
                written = None  # the cached rows are gone or damaged: price everything
        if written is None:
            from_day = None
            _busy_from(con, None, None)
            _priced_from(con, "replicost_facts_rows", None, None)
            tail_from, written = _split(con, "replicost_facts_rows")
        written |= {"busy": "replicost_busy_rows", "days": "replicost_facts_days"}
        self._write(con, {"key": key, "tail_from": tail_from}, manifest, written)
        facts = (
            "replicost_facts_rows"
            if "base" in written
            else _union(files["base"], "replicost_facts_tail")
        )
        return {"facts": facts, "busy": "replicost_busy_rows"}, from_day

    def _update(
        self, con: duckdb.DuckDBPyConnection, from_day: int, files: dict[str, str], tail_from: int
    ) -> tuple[int, dict[str, str]]:
        """Re-price from `from_day` on a valid cached set: the tail alone when the change is in it
        (and it still spans under 2 x TAIL_DAYS), else the base and tail split again."""
        if from_day >= tail_from:
            _priced_from(con, "replicost_facts_tail", from_day, files["tail"])
            found = con.execute("SELECT max(day_number) FROM replicost_facts_tail").fetchone()
            if not found or found[0] is None or found[0] - tail_from < 2 * TAIL_DAYS:
                return tail_from, {"tail": "replicost_facts_tail"}
            rows = _union(files["base"], "replicost_facts_tail")
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE replicost_facts_rows AS SELECT * FROM {rows}"
            )
        else:
            _priced_from(
                con, "replicost_facts_rows", from_day, _union(files["base"], files["tail"])
            )
        return _split(con, "replicost_facts_rows")

    def stale_from(self, con: duckdb.DuckDBPyConnection, key: str, manifest: dict | None) -> Any:
        """UNCHANGED, the first UTC day number to price again, or None (everything). Leaves every
        day's current signature in TEMP `replicost_facts_days`."""
        _signatures(con)
        if not manifest or manifest.get("key") != key:
            return None
        try:
            row = con.execute(
                _FIRST_CHANGED_DAY.format(days=self._file(manifest, "days"))
            ).fetchone()
        except UNREADABLE:
            return None
        if row is None or row[0] is None:
            return UNCHANGED
        # one day early: a day before 1970 shares its signature's bucket with the next
        return int(row[0]) - 1

    def _file(self, manifest: dict | None, part: str) -> str:
        name = str((manifest or {}).get(part))
        return f"read_parquet('{_quoted(self.folder / name)}')"

    def _name(self, key: str) -> str:
        return f"{self.stem}.{key[:16]}"

    def _manifest(self, key: str) -> dict | None:
        try:
            loaded = json.loads((self.folder / f"{self._name(key)}.json").read_text())
        except (OSError, ValueError):
            return None
        return loaded if isinstance(loaded, dict) else None

    def _write(
        self, con: duckdb.DuckDBPyConnection, fields: dict, old: dict, written: dict[str, str]
    ) -> None:
        """Write the `written` parts (part -> table or SELECT) beside the old set, switch the
        manifest to the new set (the old files of the other parts kept), then drop what it left."""
        token, name = uuid.uuid4().hex[:12], self._name(fields["key"])
        names = {part: f"{name}.{token}.{part}.parquet" for part in written}
        staged = self.folder / f"{name}.{token}.staged"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            for part, rows in written.items():
                target = _quoted(self.folder / names[part])
                con.execute(f"COPY ({_select(rows)}) TO '{target}' (FORMAT parquet)")
            kept = {part: old.get(part) for part in PARTS if part not in written}
            manifest = {"format": CACHE_FORMAT, "database": str(self.database), **fields}
            staged.write_text(json.dumps({**manifest, **kept, **names}))
            os.replace(staged, self.folder / f"{name}.json")
        except (duckdb.Error, OSError):
            _remove(self.folder, [*names.values(), staged.name])  # a cache is never worth an error
            return
        _remove(self.folder, [old.get(part) for part in written])
        self._prune()

    def _prune(self) -> None:
        """Drop the sets of databases that no longer exist (a demo's, a test's) and all but the
        MAX_SETS newest of each database, and files no manifest names that are older than
        STRAY_SECONDS (left by two reports that refreshed the same set at once, or by a report
        that died writing; younger ones may be a writer's in flight)."""
        named: set[str] = set()
        sets: dict[str, list[tuple[float, Path, list]]] = {}
        for path in self.folder.glob("*.json"):
            try:
                manifest = json.loads(path.read_text())
                database, written = manifest["database"], path.stat().st_mtime
            except (OSError, ValueError, KeyError, TypeError):
                continue
            files = [manifest.get(part) for part in PARTS]
            if Path(database).exists():
                sets.setdefault(database, []).append((written, path, files))
            else:
                _remove(self.folder, [*files, path.name])
        for found in sets.values():
            found.sort(key=lambda entry: entry[0], reverse=True)
            for _, path, files in found[MAX_SETS:]:
                _remove(self.folder, [*files, path.name])
            named.update(n for _, _, files in found[:MAX_SETS] for n in files if isinstance(n, str))
        now = time.time()
        for path in (*self.folder.glob("*.parquet"), *self.folder.glob("*.staged")):
            with contextlib.suppress(OSError):
                if path.name not in named and now - path.stat().st_mtime > STRAY_SECONDS:
                    path.unlink()


def _remove(folder: Path, names: list) -> None:
    for name in names:
        if isinstance(name, str):
            with contextlib.suppress(OSError):
                (folder / name).unlink(missing_ok=True)


# The first day (kind by kind) whose signature differs from the cached one, or NULL if none does.
_FIRST_CHANGED_DAY = """
SELECT min(day_number) FROM (
    (SELECT * FROM replicost_facts_days EXCEPT SELECT * FROM {days})
    UNION ALL
    (SELECT * FROM {days} EXCEPT SELECT * FROM replicost_facts_days)
)
"""


def _select(rows: str) -> str:
    return rows if rows.lstrip().upper().startswith("SELECT") else f"SELECT * FROM {rows}"


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")


def _prices_key(con: duckdb.DuckDBPyConnection) -> str:
    row = con.execute(_PRICES).fetchone()
    parts = (
        CACHE_FORMAT,
        replicost.__version__,
        duckdb.__version__,
        scan_sql(),
        row[0] if row else "",
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _signatures(con: duckdb.DuckDBPyConnection) -> None:
    """TEMP `replicost_facts_days`: every day's signature, predictions and trainings."""
    selects = []
    for kind, table in (("prediction", "predictions"), ("training", "trainings")):
        quarantine = "quarantine_reason" if has_column(con, table, "quarantine_reason") else "NULL"
        selects.append(_DAYS.format(kind=kind, table=table, quarantine=quarantine))
    con.execute(
        "CREATE OR REPLACE TEMP TABLE replicost_facts_days AS "
        + " UNION ALL ".join(f"({select})" for select in selects)
    )
