"""The chart pages' heavy imports run once per process, on a thread of their own."""

from __future__ import annotations

import sys

import pytest

from pages.ui import warmup


def test_the_first_start_imports_the_heavy_modules_and_later_ones_do_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(warmup, "_started", False)
    for name in warmup.HEAVY:
        monkeypatch.delitem(sys.modules, name, raising=False)
    thread = warmup.start()
    assert thread is not None
    thread.join(timeout=60)
    assert not thread.is_alive()
    assert all(name in sys.modules for name in warmup.HEAVY)
    assert warmup.start() is None
    assert warmup.start() is None


def test_a_failing_import_is_logged_and_does_not_raise(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(warmup, "_started", False)
    monkeypatch.setattr(warmup, "HEAVY", ("pages.ui.no_such_module",))
    thread = warmup.start()
    assert thread is not None
    thread.join(timeout=60)
    assert "warm-up import of pages.ui.no_such_module failed" in caplog.text
