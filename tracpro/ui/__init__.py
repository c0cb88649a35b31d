"""Streamlit helpers shared by app.py and the pages; the only tracpro package importing streamlit."""
