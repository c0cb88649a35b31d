"""Read models: SQL that pages need, one module per concern. No streamlit here."""
