"""The pricing-file lines that would price a group of unpriced records, from its reason.

The cost views (costs.py) give every unpriced record one reason sentence; each sentence names
the section to add to. This turns a reason into a TOML snippet to paste, with the value only the
user knows left as a placeholder the validator rejects (an unknown SKU, a commented-out price),
so nothing gets priced at a made-up figure by accident. Reasons no pricing line can fix (a
record still running, an official model's record without unit counts) get `None`.
"""

from __future__ import annotations

import re

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

_RULES: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(r"^no hardware known for model (?P<name>\S+?); add it under \[models\]"),
        '[models]\n"{name}" = "' + SKU_PLACEHOLDER + '"  # the hardware it runs on, e.g. gpu-l40s',
    ),
    (
        re.compile(r"^official model (?P<name>\S+) bills per output and has no unit price"),
        '[units."{name}"]\n# image = 0.000000  # USD per output (image, input_token, '
        "output_token...: see its Replicate page); uncomment with the real figure",
    ),
    (
        re.compile(r"^no price in effect for hardware (?P<sku>\S+) \("),
        '[hardware]\n# "{sku}" = 0.000000  # its USD per second (uncomment with the real figure)',
    ),
    (
        re.compile(r"^no release of deployment (?P<name>\S+) is known"),
        '[deployments]\n"{name}" = [{{ hardware = "'
        + SKU_PLACEHOLDER
        + '", effective_from = "YYYY-MM-DD" }}]',
    ),
    (
        re.compile(
            r"^created before the earliest known release of deployment (?P<name>\S+) "
            r"\((?P<day>\d{4}-\d\d-\d\d)\)"
        ),
        '[deployments]  # the hardware it ran on before {day}\n"{name}" = [{{ hardware = "'
        + SKU_PLACEHOLDER
        + '", effective_from = "YYYY-MM-DD" }}]',
    ),
]


def pricing_fix(reason: str) -> str | None:
    """The TOML lines that would price records unpriced for `reason`, or None if none would."""
    for pattern, template in _RULES:
        match = pattern.match(reason)
        if match:
            return template.format(**match.groupdict())
    return None
