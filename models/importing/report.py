"""What an import found and did: counts, warnings, and the rejection that changes nothing."""

from __future__ import annotations

from dataclasses import dataclass, field

from models.text import InvalidInput


class ImportRejected(InvalidInput):
    """The file was not imported; ``problems`` are ``line N: ...`` lines, every one found."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class ImportReport:
    """Counts of records (officials or attempts), not of rows."""

    what: str  # "officials" or "attempts"
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.new or self.updated)

    def summary(self) -> str:
        line = f"{self.what}: {self.new} new, {self.updated} updated, {self.unchanged} unchanged"
        return f"dry run: {line}" if self.dry_run else line


def unknown_columns_warning(unknown: tuple[str, ...]) -> list[str]:
    if not unknown:
        return []
    names = ", ".join(f'"{name}"' for name in unknown)
    return [f"warning: ignored unknown column(s): {names}"]
