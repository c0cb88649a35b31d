"""Who may see what: users, roles, and the region scope every read goes through."""
