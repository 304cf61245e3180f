"""SQLite's durability setting: FULL unless the operator chooses NORMAL, and nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.db import SYNCHRONOUS_ENV, make_engine, sqlite_synchronous


def _synchronous(path: Path) -> int:
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            return int(conn.exec_driver_sql("PRAGMA synchronous").scalar_one())
    finally:
        engine.dispose()


def test_full_is_the_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SYNCHRONOUS_ENV, raising=False)
    assert sqlite_synchronous() == "FULL"
    assert _synchronous(tmp_path / "a.db") == 2  # FULL


@pytest.mark.parametrize(("value", "code"), [("normal", 1), (" NORMAL ", 1), ("Full", 2), ("", 2)])
def test_the_operator_may_choose_normal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str, code: int
) -> None:
    monkeypatch.setenv(SYNCHRONOUS_ENV, value)
    assert _synchronous(tmp_path / "a.db") == code


@pytest.mark.parametrize("value", ["OFF", "0", "EXTRA", "fast"])
def test_any_other_setting_is_refused(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    """OFF would lose commits even when only the app is killed: refused, never ignored."""
    monkeypatch.setenv(SYNCHRONOUS_ENV, value)
    with pytest.raises(ValueError, match="must be FULL or NORMAL"):
        make_engine("sqlite:///:memory:")
