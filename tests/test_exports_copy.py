"""The PostgreSQL export's COPY read in blocks: any block size gives the same bytes and
row count (the escapes, CRLF and counting are per block), and a write that fails half way
cancels the COPY and leaves the connection usable."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from models.db import session_scope
from models.exports import attempts_export, write_attempts_csv
from models.exports import lines as lines_module
from models.filters import Filters
from models.tables import Attempt
from tests.test_exports_fast import HOSTILE, hostile, reference_bytes

__all__ = ["hostile"]  # the fixture, shared with test_exports_fast


@pytest.mark.parametrize("excel", [False, True], ids=["plain", "excel"])
@pytest.mark.parametrize("block", [1, 2, 300, 1 << 20])
@pytest.mark.usefixtures("hostile")
def test_every_block_size_writes_the_reference_bytes(
    session: Session, monkeypatch: pytest.MonkeyPatch, block: int, excel: bool
) -> None:
    monkeypatch.setattr(lines_module, "FLUSH_BYTES", block)
    data, rows = attempts_export(session, Filters(), excel=excel)
    assert rows == len(HOSTILE)
    assert data == reference_bytes(session, excel=excel)


class FailingFile(io.BytesIO):
    """A file that takes the header and one block, then fails like a full disk."""

    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def write(self, data: object) -> int:
        self.writes += 1
        if self.writes > 2:
            raise OSError(28, "No space left on device")
        return super().write(data)  # type: ignore[arg-type]


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
@pytest.mark.usefixtures("hostile")
def test_a_write_failing_half_way_cancels_the_copy_and_the_connection_works_on(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lines_module, "FLUSH_BYTES", 1)
    out = FailingFile()
    with pytest.raises(OSError, match="No space left"), session_scope(engine, write=False) as s:
        write_attempts_csv(s, out, Filters())
    assert out.writes == 3
    for _ in range(3):  # whichever pooled connection comes back, it answers
        with session_scope(engine, write=False) as again:
            count = again.scalar(select(func.count()).select_from(Attempt))
            assert count == len(HOSTILE)
            assert attempts_export(again, Filters())[1] == len(HOSTILE)
