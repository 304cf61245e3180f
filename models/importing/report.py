"""What an import found and did: counts, warnings, the rejection that changes nothing, and
how far a long import has got."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
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


def file_sha256(data: bytes) -> str:
    """The hex SHA-256 of an imported file, which its audit event names."""
    return hashlib.sha256(data).hexdigest()


Progress = Callable[[float, str], None]
"""Told how far an import has got: the share done (0.0 to 1.0) and what it is doing."""


class Stage:
    """One stretch of an import's progress, from ``start`` to ``end``, in ``total`` steps.

    :meth:`step` tells ``progress`` about every 2% of the stage (and its last step), so a
    100,000-row file makes some fifty calls, not 100,000.
    """

    def __init__(
        self, progress: Progress | None, what: str, total: int, start: float, end: float
    ) -> None:
        self.progress, self.what, self.total = progress, what, total
        self.start, self.end = start, end
        self.every = max(1, total // 50)
        if progress is not None and total:
            progress(start, f"{what}: 0 of {total:,}")

    def step(self, done: int) -> None:
        if self.progress is None or (done % self.every and done != self.total):
            return
        share = done / self.total if self.total else 1.0
        self.progress(
            self.start + (self.end - self.start) * share, f"{self.what}: {done:,} of {self.total:,}"
        )


def tell(progress: Progress | None, share: float, what: str) -> None:
    if progress is not None:
        progress(share, what)
