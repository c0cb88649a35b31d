"""The audit trail: who did what, when, in which org, recorded with the change itself."""
