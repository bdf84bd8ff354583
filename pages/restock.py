"""PLACEHOLDER: the public restock page (opened with an organization's private link)."""

import streamlit as st

st.info("This page is not built yet.")
