"""The model layer of Outreach Tracker: tables, database access, commands and queries.

Nothing in this package imports Streamlit, so every figure a page shows can be
computed from a plain script or test.
"""
