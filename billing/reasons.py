"""Why something is unpriced, as data: a code with its subjects, rendered once.

The bill never builds a sentence to parse back. Each unpriced bill item carries a `reason_code`
and a `reason_subject` (the model, deployment, SKU, day, field or value the reason is about); this
registry is the one place that turns a code into the sentence people read (`sentence`, and the
same sentence as SQL for the per-record views: `sentence_sql`) and into the pricing-file lines
that would price it (`fix`). A fix leaves the value only the user knows as a placeholder the
validator rejects (an unknown SKU, a commented-out price), so nothing gets priced at a made-up
figure by accident; reasons no pricing line can fix (a record still running, a quarantined value)
have no fix.

To add a reason: register it below (code, sentence template naming its subjects in braces, the
subjects, the fix), and make the cost SQL emit the code with those subjects.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from replicost.escape import toml_string
from replicost.limits import MAX_RECORD_USD, MAX_SECONDS, MAX_UNITS

FIX_COMMAND = "replicost pricing suggest --output prices.toml"
LOWER_BOUND_NOTE = (
    "active time only: Replicate also bills private models' setup and idle time and deployments' "
    "instance uptime"
)
UPTIME_RULE = (
    "per deployment and UTC day, the larger of the always-on floor (min_instances x time x price) "
    "and the active time of its predictions"
)
SKU_PLACEHOLDER = "HARDWARE-SKU"  # `replicost pricing show` lists the real ones

SUBJECTS = ("model", "version", "sku", "deployment", "day", "field", "value", "status", "problem")
"""Every subject a reason can name, in the order of the `reason_subject` STRUCT."""

_SLOT = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Reason:
    """One kind of unpriced item: `template` names its subjects as {slots}; `fix` (a TOML snippet
    with the same slots, or None) is what a pricing file would need."""

    code: str
    template: str
    fix: str | None = None

    @property
    def subjects(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(_SLOT.findall(self.template)))


REASONS: dict[str, Reason] = {}


def _register(code: str, template: str, fix: str | None = None) -> None:
    reason = Reason(code, template, fix)
    assert set(reason.subjects) <= set(SUBJECTS), code
    REASONS[code] = reason


_DEPLOYMENT_LINE = (
    '"{deployment}" = [{{ hardware = "' + SKU_PLACEHOLDER + '", effective_from = "YYYY-MM-DD" }}]'
)
_register("quarantined", "quarantined: {problem}")
_register(
    "implausible_seconds",
    "{field} of {value} seconds is not plausible (0 to "
    + str(MAX_SECONDS)
    + " s); the record stays unpriced until it is corrected",
)
_register(
    "implausible_count", "{field} {value} is not a plausible count (0 to " + str(MAX_UNITS) + ")"
)
_register(
    "implausible_cost",
    f"a cost over USD {MAX_RECORD_USD} is not plausible (check predict_time and the unit counts)",
)
_register("in_flight", "still {status} at the last sync; priced once it finishes")
_register("no_created_at", "no created_at recorded; cannot tell which price was in effect")
_register(
    "unknown_seconds",
    "{status} with no predict_time and no started_at/completed_at: its billable time is unknown",
)
_register("no_model", "no model recorded; cannot tell what it ran on")
_register(
    "model_hardware_unknown",
    "no hardware known for model {model}; add it under [models] in your pricing file",
    '[models]\n"{model}" = "' + SKU_PLACEHOLDER + '"  # the hardware it runs on, e.g. gpu-l40s',
)
_register(
    "hardware_unpriced",
    "no price in effect for hardware {sku} (model {model}); add it under [hardware] in your "
    "pricing file",
    '[hardware]\n# "{sku}" = 0.000000  # its USD per second (uncomment with the real figure)',
)
_register(
    "deployment_hardware_unpriced",
    "no price in effect for hardware {sku} (deployment {deployment}); add it under [hardware] in "
    "your pricing file",
    '[hardware]\n# "{sku}" = 0.000000  # its USD per second (uncomment with the real figure)',
)
_register(
    "deployment_unknown",
    "no release of deployment {deployment} is known; add its hardware under [deployments] "
    '"{deployment}" in your pricing file',
    "[deployments]\n" + _DEPLOYMENT_LINE,
)
_register(
    "release_quarantined",
    "the release of deployment {deployment} in effect since {day} was quarantined at the sync "
    "(impossible instance counts or hardware): no release prices it",
)
_register(
    "before_first_release",
    "created before the earliest known release of deployment {deployment} ({day}); add its "
    'earlier hardware under [deployments] "{deployment}" in your pricing file',
    "[deployments]  # the hardware it ran on before {day}\n" + _DEPLOYMENT_LINE,
)
# A deployment's always-on floor no observed release states (billing/bill_sql.py's unknown floors):
# {value} is the release number, {day} where the unknown time starts (what the line must state).
_HISTORY_LINE = (
    '[deployments]  # its hardware and min_instances from {day}: only you know them\n"{deployment}"'
    ' = [{{ hardware = "' + SKU_PLACEHOLDER + '", effective_from = "{day}", min_instances = 0 }}]'
)
_register(
    "floor_before_first_release",
    "the always-on floor of deployment {deployment} before its earliest observed release "
    "({value}) is unknown: no sync saw the releases before it; since when it existed is unknown, "
    "so it is counted from its first record ({day}); state that history under [deployments] "
    '"{deployment}" in your pricing file',
    _HISTORY_LINE,
)
_register(
    "floor_before_first_release_account",
    "the always-on floor of deployment {deployment} before its earliest observed release "
    "({value}) is unknown: no sync saw the releases before it; since when it existed is unknown, "
    "and it has no record before that release, so it is counted from the account's first record "
    '({day}); state that history under [deployments] "{deployment}" in your pricing file',
    _HISTORY_LINE,
)
_register(
    "floor_after_release",
    "the always-on floor of deployment {deployment} after its release {value} ({day}) is "
    "unknown: no sync saw the release(s) that followed it, or they were quarantined (impossible "
    "instance counts or hardware); state that history under "
    '[deployments] "{deployment}" in your pricing file',
    _HISTORY_LINE,
)
_register(
    "floor_no_release",
    "the always-on floor of deployment {deployment} is unknown: no release of it is known; it is "
    "counted from its first record ({day}); state its history under [deployments] "
    '"{deployment}" in your pricing file',
    _HISTORY_LINE,
)
_register(
    "official_unit_unpriced",
    "official model {model} bills per output and has no unit price; add its prices under "
    '[units."{model}"] in your pricing file (see its Replicate page)',
    '[units."{model}"]\n# image = 0.000000  # USD per output (image, input_token, '
    "output_token...: see its Replicate page); uncomment with the real figure",
)
_register(
    "no_output_counted",
    "official model {model} bills per output and this record counts none (no image_count, "
    "input_token_count or output_token_count in its metrics): what it is billed in is unknown, so "
    "it has no range",
)
_register(
    "no_unit_count",
    "no unit count: missing field {field}",
)
_register(
    "no_price_for_input",
    "no price of official model {model} matches this record's input ({field}); add a row for it "
    'under [units."{model}"] in your pricing file',
    '[units."{model}"]\n# output_video_second = [{{ usd_per_unit = 0.000000, when = {{ FIELD = '
    '"VALUE" }} }}]  # a row for its input ({field}): see its Replicate page; uncomment with the '
    "real figure",
)
_register(
    "no_unit_counts",
    "official model {model} bills per unit but this record has no unit counts (image_count, "
    "input_token_count, output_token_count) in its metrics",
)


def _reason(code: str) -> Reason:
    try:
        return REASONS[code]
    except KeyError:
        raise ValueError(f"unknown reason code {code!r}") from None


def subject_of(code: str, subject: Mapping[str, Any] | None) -> dict[str, str]:
    """The subjects `code` names, as strings (what JSON's `subject` object carries)."""
    subject = subject or {}
    return {
        name: str(subject[name]) for name in _reason(code).subjects if subject.get(name) is not None
    }


def _fill(template: str, subject: Mapping[str, Any]) -> str:
    return _SLOT.sub(lambda m: str(subject.get(m.group(1)) or "?"), template)


def sentence(code: str, subject: Mapping[str, Any] | None = None) -> str:
    """The sentence people read for `code` with its subjects."""
    return _fill(_reason(code).template, subject or {})


def fix(code: str, subject: Mapping[str, Any] | None = None) -> str | None:
    """The TOML lines that would price items unpriced for `code`, or None if none would.

    Subjects are names from the server: each is written TOML-escaped (`escape.toml_string`,
    inside the template's quotes), so a model named `x"\n[hardware]...` cannot add lines."""
    template = _reason(code).fix
    if template is None:
        return None
    escaped = {
        key: None if value is None else toml_string(value)[1:-1]
        for key, value in (subject or {}).items()
    }
    # the fix templates write literal TOML braces doubled, like str.format
    filled = _fill(template.replace("{{", "\0").replace("}}", "\1"), escaped)
    return filled.replace("\0", "{").replace("\1", "}")


def fix_section(code: str) -> str | None:
    """The pricing-file section that fixes `code` (`models`, `units`, `deployments`,
    `hardware`), or None."""
    template = _reason(code).fix
    match = re.match(r"\[(\w+)", template or "")
    return match.group(1) if match else None


def reason_dict(code: str, subject: Mapping[str, Any] | None, count: int) -> dict[str, Any]:
    """One entry of JSON's `unpriced.reasons`: reason, count, code, subject, fix."""
    return {
        "reason": sentence(code, subject),
        "count": count,
        "code": code,
        "subject": subject_of(code, subject),
        "fix": fix(code, subject),
    }


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def sentence_sql(code: str, subject: str) -> str:
    """SQL for the sentence of the code in column `code` with the STRUCT column `subject` (NULL
    when the code is NULL, tested first: most items have none): the per-record views' `reason`,
    from this registry."""
    cases = []
    for reason in REASONS.values():
        parts, last = [], 0
        for match in _SLOT.finditer(reason.template):
            parts.append(_literal(reason.template[last : match.start()]))
            parts.append(f"coalesce(struct_extract({subject}, '{match.group(1)}'), '?')")
            last = match.end()
        parts.append(_literal(reason.template[last:]))
        cases.append(
            f"WHEN {_literal(reason.code)} THEN " + " || ".join(p for p in parts if p != "''")
        )
    return f"CASE WHEN {code} IS NOT NULL THEN CASE {code} " + " ".join(cases) + " END END"


def _subject_value(code: str, name: str, values: Mapping[str, str]) -> str:
    """SQL for one subject of the code in SQL expression `code`: its expression in `values` for the
    codes that name it, else NULL."""
    codes = [r.code for r in REASONS.values() if name in r.subjects]
    expression = values.get(name, "NULL")
    if not codes or expression == "NULL":
        return "NULL::VARCHAR"
    listed = ", ".join(_literal(c) for c in codes)
    return f"CASE WHEN {code} IN ({listed}) THEN CAST({expression} AS VARCHAR) END"


def subject_sql(code: str, values: Mapping[str, str]) -> str:
    """SQL for the `reason_subject` STRUCT of the code in SQL expression `code`: each subject the
    code names from `values` (name -> SQL expression), NULL for the subjects it does not name, so
    items group by exactly what their reason is about."""
    fields = ", ".join(f"{name} := {_subject_value(code, name, values)}" for name in SUBJECTS)
    return f"CASE WHEN {code} IS NOT NULL THEN struct_pack({fields}) END"


# A bill item's reason names its own model, hardware (the SKU), deployment and status; each other
# subject a reason can name is a column of the item of its own, `subject_<name>` (NULL on most
# items). The ledger stores those few columns, not the STRUCT of nine (written for ten million
# items, the STRUCT cost a fifth of a first build, measured), and builds it again when read.
ITEM_SUBJECTS = {
    "model": "model",
    "sku": "hardware",
    "deployment": "deployment",
    "status": "status",
}
SUBJECT_COLUMNS = {
    name: f"subject_{name}"
    for name in SUBJECTS
    if name not in ITEM_SUBJECTS and any(name in r.subjects for r in REASONS.values())
}


def subject_columns_sql(code: str, values: Mapping[str, str]) -> str:
    """SELECT items of an item's `SUBJECT_COLUMNS` for the code in SQL expression `code`, from
    `values` (subject name -> SQL expression)."""
    return ", ".join(
        f"{_subject_value(code, name, values)} AS {column}"
        for name, column in SUBJECT_COLUMNS.items()
    )


# subject -> the item column it is built from
_SUBJECT_SOURCES = {**ITEM_SUBJECTS, **SUBJECT_COLUMNS}
ITEM_SUBJECT_SOURCES = tuple(_SUBJECT_SOURCES.values())
"""The columns of an item its `reason_subject` is built from."""


def item_subject_sql(code: str, prefix: str = "") -> str:
    """SQL for an item's `reason_subject` STRUCT from its own columns (`ITEM_SUBJECTS`) and its
    `SUBJECT_COLUMNS` (each named with `prefix` first), the code being in SQL expression `code`."""
    return subject_sql(code, {name: prefix + column for name, column in _SUBJECT_SOURCES.items()})


@dataclass(frozen=True)
class ReasonCount:
    """How many unpriced items one reason (a code with its subjects) stands for."""

    code: str
    subject: Mapping[str, Any]
    count: int

    @property
    def reason(self) -> str:
        return sentence(self.code, self.subject)

    @property
    def fix(self) -> str | None:
        return fix(self.code, self.subject)

    def to_dict(self) -> dict[str, Any]:
        """One entry of JSON's `unpriced.reasons`: reason, count, code, subject, fix."""
        return reason_dict(self.code, self.subject, self.count)


def counted(pairs: Mapping[tuple[str, tuple[tuple[str, Any], ...]], int]) -> list[ReasonCount]:
    """Reason counts from {(code, subject items): count}, most items first, then by sentence."""
    out = [ReasonCount(code, dict(items), n) for (code, items), n in pairs.items()]
    return sorted(out, key=lambda r: (-r.count, r.reason))


def subject_key(subject: Mapping[str, Any] | None) -> tuple[tuple[str, Any], ...]:
    """A hashable form of a `reason_subject` STRUCT (its non-null subjects)."""
    return tuple(sorted((k, v) for k, v in (subject or {}).items() if v is not None))
