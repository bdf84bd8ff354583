"""Streamlit glue only: cached resources, session-state keys, guards and shared widgets."""
