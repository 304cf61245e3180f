"""The app's pages, one thin script each; Streamlit glue lives in ``pages.ui``."""
