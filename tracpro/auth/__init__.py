"""Who may see and change what: users, roles, the region scope every read goes through, and the
acting user every write takes and checks."""
