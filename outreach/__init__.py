"""KYR Tracker domain: plain Python, no Streamlit (see DESIGN.md)."""
