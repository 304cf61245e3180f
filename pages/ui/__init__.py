"""Streamlit glue shared by the pages: navigation, state, caches, filters, charts."""
