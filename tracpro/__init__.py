"""TracPro: a dashboard for RapidPro polls, on Streamlit and PostgreSQL."""
