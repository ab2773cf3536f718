from enum import StrEnum


class PredictionsListSource(StrEnum):
    WEB = "web"

    def __str__(self) -> str:
        return str(self.value)

    @classmethod
    def _missing_(cls, value: object) -> "PredictionsListSource | None":
        # replicost: a value the spec did not list (Replicate added status "aborted" in 2025-10)
        # becomes a pseudo-member carrying that value instead of a ValueError; it compares equal
        # to its string, serializes back unchanged, and is not listed by iteration.
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = value
        member._value_ = value
        return member
