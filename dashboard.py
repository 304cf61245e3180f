"""The entry point: page config, state, the shared filters where a page uses them, navigation.

Run it with ``streamlit run dashboard.py``. The pages live in ``pages/`` and are listed,
in order, in ``pages/ui/nav.py``.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from pages.ui import auth, filters, warmup
from pages.ui.nav import pages_for

# Shipped with the app: a ":material/…" page icon would make every browser fetch the
# favicon from a public font CDN, the sign-in page included.
FAVICON = Path(__file__).resolve().parent / "pages" / "ui" / "assets" / "favicon.png"
st.set_page_config(page_title="Outreach Tracker", page_icon=str(FAVICON), layout="wide")
warmup.start()  # the chart pages' imports, once per process, while this page is drawn
# Navigation is built before any sign-in stop, so a deep link survives signing in: the
# page itself (its guard) shows the sign-in form until someone is signed in.
user = auth.current_user()
specs = pages_for(user.role if user is not None else None)
pages = [
    st.Page(spec.path, title=spec.label, url_path=spec.url_path, icon=spec.icon) for spec in specs
]


def start() -> None:
    # Streamlit serves the default page at "/" and answers its url_path with "Page not
    # found"; a hidden start page that moves on keeps /log a working, stable address.
    st.switch_page(pages[0])


start_page = st.Page(
    start, title=specs[0].label, url_path="start", default=True, visibility="hidden"
)
navigation = st.navigation(
    [start_page, *pages], position="sidebar" if user is not None else "hidden"
)
current = next((spec for spec in specs if spec.url_path == navigation.url_path), None)
# The filters list campaign and people's names: only for a signed-in user.
if user is not None and current is not None and current.uses_filters:
    with filters.drawn_by_entry(filters.draw_sidebar_filters()):
        navigation.run()
else:
    navigation.run()
