"""RapidPro, as TracPro reaches it: through temba_client over HTTP, built in one place."""

from tracpro.rapidpro.client import (
    IncompleteListing,
    LinkRefused,
    MissingInRapidPro,
    OutcomeUnknown,
    Page,
    RapidPro,
    RapidProError,
    RequestRejected,
    RetryPolicy,
    Throttled,
    TokenRejected,
    Unavailable,
    Unreachable,
    throttle_scope,
)

__all__ = [
    "IncompleteListing",
    "LinkRefused",
    "MissingInRapidPro",
    "OutcomeUnknown",
    "Page",
    "RapidPro",
    "RapidProError",
    "RequestRejected",
    "RetryPolicy",
    "Throttled",
    "TokenRejected",
    "Unavailable",
    "Unreachable",
    "throttle_scope",
]
