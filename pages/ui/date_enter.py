"""Enter applies a typed date: a small script for Streamlit's segmented date fields.

Streamlit's date input (1.67) commits what was typed into its segments when the field
loses focus with its calendar closed, and ignores Enter, so a coordinator who typed a
range and pressed Enter saw nothing happen (clicking a segment opens the calendar, and a
blur while it is open commits nothing). This script, sent with the shared filters, turns
Enter inside a date field into what a user would do by hand: Escape (the field closes
its calendar), then, once the calendar is gone, leaving the field, which commits the
typed date (a complete range, for a range field) and reruns the page with it.

It is our own constant text (no user input reaches it), listens on the document only,
and installs itself once per browser tab however often the filters are drawn.
"""

from __future__ import annotations

import streamlit as st

FIELD = '[data-testid="stDateInputField"]'
CALENDAR = '[data-testid="stDateInputCalendar"]'
SCRIPT = f"""<script>
(() => {{
  if (window.__outreachDateEnter) return;
  window.__outreachDateEnter = true;
  const leave = (target, frames) => {{
    if (document.querySelector('{CALENDAR}') && frames > 0) {{
      requestAnimationFrame(() => leave(target, frames - 1));
    }} else {{
      target.blur();  // the field commits what was typed when it loses focus
    }}
  }};
  document.addEventListener("keydown", (event) => {{
    if (event.key !== "Enter" || event.isComposing || event.repeat) return;
    const target = event.target;
    if (!(target instanceof HTMLElement) || !target.closest('{FIELD}')) return;
    event.preventDefault();
    event.stopImmediatePropagation();  // this Enter is ours alone: no other handler acts on it
    target.dispatchEvent(new KeyboardEvent("keydown", {{
      key: "Escape", code: "Escape", bubbles: true, cancelable: true,
    }}));
    requestAnimationFrame(() => leave(target, 30));
  }}, true);
}})();
</script>"""


def enter_applies_dates() -> None:
    """Make Enter in a date field apply the typed date (see the module's docstring)."""
    st.html(SCRIPT, unsafe_allow_javascript=True)
