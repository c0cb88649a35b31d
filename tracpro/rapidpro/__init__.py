"""RapidPro, as TracPro reaches it: through temba_client over HTTP, built in one place."""

from tracpro.rapidpro.client import (
    LinkRefused,
    MissingInRapidPro,
    OutcomeUnknown,
    Page,
    RapidPro,
    RapidProError,
    RequestRejected,
    RetryPolicy,
    TokenRejected,
    Unavailable,
)

__all__ = [
    "LinkRefused",
    "MissingInRapidPro",
    "OutcomeUnknown",
    "Page",
    "RapidPro",
    "RapidProError",
    "RequestRejected",
    "RetryPolicy",
    "TokenRejected",
    "Unavailable",
]
