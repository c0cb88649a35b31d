"""Recent indicators: a baseline question compared with a follow-up question over a term."""
