"""Charts: pure functions from read-model data to plotly figures. No database, no streamlit."""
