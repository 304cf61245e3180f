"""Reports → Imports: a list of officials or past attempts from a CSV, checked, then imported.

Stable labels (the README's Pages section): the radio **Import what** (**Officials**,
**Attempts**), the uploader **CSV file**, the button **Import**.

An upload is checked at once by a dry run of the real import in a read-only session
(kept in the session per file SHA-256 and options, so a rerun does not check it again);
the page shows what it read and every problem by line, and **Import** is enabled only
when there are none. Import runs the real write once, with progress, and forgets the
cached reads it made stale; a second click on the same file and options (a double click)
says it was imported instead of importing again. Everything the file says is shown as
plain text (``st.text`` and table cells), never as Markdown.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from streamlit.runtime.scriptrunner import RerunException, StopException

from models.importing.preview import ImportKind, ImportOptions, ImportPreview, preview_import
from models.importing.preview import run_import as import_file
from models.importing.reading import NotACsv
from models.importing.report import ImportRejected, file_sha256
from models.localtime import all_zones
from models.permissions import PermissionDenied
from pages.ui import cache, render, state
from pages.ui.alert_import import REGIONS, region_name

KINDS = {"Officials": ImportKind.OFFICIALS, "Attempts": ImportKind.ATTEMPTS}
FILE_TYPES = ["csv", "tsv", "txt"]
# Widget keys: one set per kind, so switching the radio keeps what was chosen for each.
WHAT = "import:what"
UPLOAD = "import:file"
TARGETS_OF = "import:officials:campaign"
REGION = "import:officials:region"
DEFAULT_CAMPAIGN = "import:attempts:campaign"
CREATE_CAMPAIGNS = "import:attempts:create"
TIMEZONE = "import:attempts:timezone"
# What the session remembers: the last preview, the imports it made, the last outcome.
PREVIEW = "import:preview"  # Checked
IMPORTED = "import:imported"  # {(sha256, options): summary line}
NOTICE = "import:notice"
DELIMITERS = {",": "commas", ";": "semicolons", "\t": "tabs"}
CHANGES = {  # what each import writes, for cache.write to forget
    ImportKind.OFFICIALS: frozenset({cache.DIRECTORY}),
    ImportKind.ATTEMPTS: cache.EVERYTHING,  # attempts, campaigns, targets, kept names
}

Key = tuple[str, ImportOptions]


@dataclass(frozen=True)
class Checked:
    key: Key
    preview: ImportPreview


def draw(actor_id: int) -> None:
    """The choice of what to import and its options, the uploader, then the file."""
    st.caption(
        "Import a list of officials (a partner's spreadsheet saved as CSV, or the officials "
        "export) or past attempts (the attempts export's columns). The file is checked "
        "first; nothing changes until you press Import."
    )
    kind = KINDS[st.radio("Import what", list(KINDS), key=WHAT, horizontal=True)]
    options = _options(kind)
    upload = st.file_uploader(
        "CSV file",
        type=FILE_TYPES,
        key=UPLOAD,
        on_change=state.drop,
        args=(NOTICE,),  # the last import's outcome is about the last file
        help="UTF-8 (with or without a BOM), UTF-16 (Excel's Unicode text) or Windows-1251; "
        "separated by commas, semicolons or tabs.",
    )
    render.show_notice(NOTICE)
    if upload is not None:
        uploaded(upload.getvalue(), options, actor_id)


def _options(kind: ImportKind) -> ImportOptions:
    campaigns = {o.id: o.label for o in cache.campaign_options()}
    ids: list[int | None] = [None, *campaigns]
    if kind is ImportKind.OFFICIALS:
        target = st.selectbox(
            "Make them targets of", ids, key=TARGETS_OF,
            format_func=lambda c: "no campaign" if c is None else campaigns[c],
            help="The command line's --campaign.",
        )  # fmt: skip
        region = st.selectbox(
            "Numbers without a country code are read in", REGIONS, key=REGION,
            index=REGIONS.index("RU"), format_func=region_name,
            help="Used for rows whose country column is empty (the command line's --region).",
        )  # fmt: skip
        return ImportOptions(kind, campaign_id=target, region=region)
    default = st.selectbox(
        "Campaign for rows that name none", ids, key=DEFAULT_CAMPAIGN,
        format_func=lambda c: "the only active campaign" if c is None else campaigns[c],
        help="The command line's --campaign.",
    )  # fmt: skip
    create = st.checkbox(
        "Create the campaigns the file names", key=CREATE_CAMPAIGNS,
        help="Otherwise a campaign that does not exist is a problem (--create-campaigns).",
    )  # fmt: skip
    zones = all_zones()
    timezone = st.selectbox(
        "Times without an offset are in", zones, key=TIMEZONE, index=zones.index("UTC"),
        help="Times such as 2026-03-04 10:00 are read in this zone (the command line's --tz).",
    )  # fmt: skip
    return ImportOptions(kind, campaign_id=default, create_campaigns=create, timezone=timezone)


def uploaded(data: bytes, options: ImportOptions, actor_id: int) -> None:
    """Check the uploaded bytes, show what was read, and offer Import when they are clean."""
    key: Key = (file_sha256(data), options)
    preview = _checked(data, options, key, actor_id)
    if preview is None:
        return
    show_preview(preview)
    if st.button("Import", type="primary", disabled=not preview.importable):
        _import(data, options, key, actor_id)


def _checked(data: bytes, options: ImportOptions, key: Key, actor_id: int) -> ImportPreview | None:
    """The file's preview, from this session's last check of it, or a new dry run."""
    kept = state.get(PREVIEW)
    if isinstance(kept, Checked) and kept.key == key:
        return kept.preview
    bar = _Bar(hold=False)  # a rerun meanwhile (another option chosen) abandons the check
    try:
        preview = cache.read(
            lambda s: preview_import(s, data, options, actor_id=actor_id, progress=bar)
        )
    except (NotACsv, PermissionDenied) as exc:
        render.error(f"{str(exc).rstrip('.')}. Nothing was changed.")
        return None
    finally:
        bar.place.empty()
    state.put(PREVIEW, Checked(key, preview))
    return preview


class _Bar:
    """An import's ``st.progress``. Each update is a point where Streamlit stops the run
    for a rerun (any click meanwhile, a double click's second). ``hold=True``, for the
    write: such a request is kept until :meth:`release`, called after the commit, so a
    click cannot roll back an import that was asked for, nor lose that it was made."""

    def __init__(self, *, hold: bool) -> None:
        self.place, self.hold = st.empty(), hold
        self.held: RerunException | StopException | None = None

    def __call__(self, share: float, what: str) -> None:
        try:
            self.place.progress(min(max(share, 0.0), 1.0), text=what)
        except (RerunException, StopException) as request:
            if not self.hold:
                raise
            self.held = request  # the latest holds the latest widget values

    def release(self) -> None:
        if self.held is not None:
            raise self.held


def show_preview(preview: ImportPreview) -> None:
    """What was read, as plain text: the file's shape, its columns, the dry run, the rows."""
    how = DELIMITERS.get(preview.delimiter, repr(preview.delimiter))
    st.text(f"{preview.records:,} rows read as {preview.encoding}, separated by {how}.")
    if preview.matched:
        matched = ", ".join(f'{field} from "{cell}"' for field, cell in preview.matched)
        st.text(f"Columns read: {matched}.")
    if preview.ignored:
        ignored = ", ".join(f'"{cell}"' for cell in preview.ignored)
        st.text(f"Columns ignored (not known): {ignored}.")
    if preview.summary:
        st.text(f"If imported now: {preview.summary.removeprefix('dry run: ')}.")
    if not preview.rows.empty:
        st.caption(f"The first {len(preview.rows)} rows, as they will be read:")
        st.dataframe(preview.rows, hide_index=True, width="stretch")
    if preview.problems:
        st.subheader(f"Problems ({len(preview.problems):,})")
        st.caption("Nothing can be imported until they are fixed in the file:")
        st.text("\n".join(preview.problems))


def _import(data: bytes, options: ImportOptions, key: Key, actor_id: int) -> None:
    """The real import, once per file and options in this session; then show the outcome."""
    done: dict[Key, str] = state.get(IMPORTED) or {}
    if key in done:
        repeat = f"This file was already imported ({done[key]}); nothing was imported again."
        state.put(NOTICE, state.Notice("info", repeat))
        st.rerun()
    bar = _Bar(hold=True)
    try:
        report = cache.write(
            lambda s: import_file(s, data, options, actor_id=actor_id, progress=bar),
            changes=CHANGES[options.kind],
            retryable=True,  # all or nothing, and a repeat of the same file is a no-op
        )
    except (ImportRejected, PermissionDenied) as exc:
        # The database changed since the check (or the role did): check the file again.
        state.drop(PREVIEW)
        message = f"Nothing was imported: {str(exc).splitlines()[0].rstrip('.')}."
        state.put(NOTICE, state.Notice("error", message))
        bar.release()
        st.rerun()
    # No Streamlit call between the commit and here, so nothing can stop the run before
    # the session knows the import was made.
    state.put(IMPORTED, done | {key: report.summary()})
    state.put(NOTICE, state.Notice("success", f"Imported: {report.summary()}."))
    state.drop(PREVIEW)  # the next check shows the file as it now stands: nothing new
    bar.release()
    st.rerun()
