"""The one place TracPro talks to RapidPro, and the only module that imports `temba_client`.

`RapidPro` wraps temba_client's v2 client with what the sync job and the outbox need:
- pages read by TracPro itself, so one malformed item is set apart with its reason instead of
  losing its page (temba_client's iterator moves past a page before deserialising it); a whole
  list (`all`) with an unreadable item raises, since the caller would take that item for gone;
- retries with backoff for 5xx answers, dropped connections and timeouts, on reads; writes
  retry only when RapidPro throttled them, the one case where it certainly did not act on them,
  and a write whose answer was lost once it was sent raises OutcomeUnknown: RapidPro may have
  carried it out;
- throttling waited out (Retry-After honoured) only within a budget of seconds per object (one
  org's pass): RapidPro's limits are per workspace and scope (3,600 requests an hour by
  default), and Retry-After can be tens of minutes. Past the budget the scope raises `Throttled`
  at once, without asking again, until the object is dropped;
- RapidPro's errors as TracPro's own exceptions with sentences a person can act on;
- archives (what RapidPro keeps past its retention): the files downloaded from their temporary
  links and their runs read as the same temba_client objects runs.json gives.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
from collections.abc import Collection, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Any
from urllib.parse import parse_qs, urlparse

import requests
import temba_client.base
import temba_client.serialization
import temba_client.utils
import urllib3.exceptions
from temba_client.exceptions import (
    TembaBadRequestError,
    TembaConnectionError,
    TembaHttpError,
    TembaNoSuchObjectError,
    TembaRateExceededError,
    TembaTokenError,
)
from temba_client.v2 import TembaClient
from temba_client.v2 import types as temba_types
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

log = logging.getLogger(__name__)

USER_AGENT = "tracpro/2"
# temba_client calls requests with no timeout at all; a RapidPro that stops answering must not
# hang the sync job forever. Each RapidPro object sets its own for the calls it makes.
_timeout: ContextVar[float] = ContextVar("rapidpro_timeout", default=120.0)


def _request_with_timeout(method: str, url: str, **kwargs: Any) -> requests.Response:
    kwargs.setdefault("timeout", (min(10.0, _timeout.get()), _timeout.get()))
    return temba_client.utils.request(method, url, **kwargs)


temba_client.base.request = _request_with_timeout


def _parse_iso8601(value: Any) -> datetime | None:
    """RapidPro's timestamps, parsed by the standard library's C parser when it can.

    temba_client parses every timestamp with the pure-Python `iso8601` package, which was a
    third of the sync's time on runs; anything fromisoformat cannot read (or reads without a
    zone) still goes to the library's own parser, errors and all.
    """
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return temba_client.utils.parse_iso8601(value)
    return parsed if parsed.tzinfo is not None else temba_client.utils.parse_iso8601(value)


temba_client.serialization.parse_iso8601 = _parse_iso8601

# temba_client rebuilds each type's field map for every object it reads (about 100,000 times
# for 13,000 runs); the map only depends on the class, so it is built once per class.
_field_maps: dict[type, dict[str, Any]] = {}
_fields_of = temba_client.serialization.TembaObject._get_fields.__func__


def _cached_fields(cls: type) -> dict[str, Any]:
    if cls not in _field_maps:
        _field_maps[cls] = _fields_of(cls)
    return _field_maps[cls]


temba_client.serialization.TembaObject._get_fields = classmethod(_cached_fields)


class _ListOrNothing(temba_client.serialization.ObjectListField):
    """A list an older server leaves out: absent reads as empty (temba_client's own field raises)."""

    def deserialize(self, value: Any) -> list[Any]:
        return [] if value is None else super().deserialize(value)


class Message(temba_client.serialization.TembaObject):
    """A message as any RapidPro serves it: current servers name it by `uuid`; a self-hosted v9
    server (the community fork) by an integer `id`, with no `uuid` and no `quick_replies`.
    temba_client's own type has no `id` and refuses a message without quick replies."""

    uuid = temba_client.serialization.SimpleField()
    id = temba_client.serialization.IntegerField()
    contact = temba_client.serialization.ObjectField(item_class=temba_types.ObjectRef)
    urn = temba_client.serialization.SimpleField()
    channel = temba_client.serialization.ObjectField(item_class=temba_types.ObjectRef)
    direction = temba_client.serialization.SimpleField()
    type = temba_client.serialization.SimpleField()
    status = temba_client.serialization.SimpleField()
    visibility = temba_client.serialization.SimpleField()
    text = temba_client.serialization.SimpleField()
    labels = temba_client.serialization.ObjectListField(item_class=temba_types.ObjectRef)
    attachments = temba_client.serialization.ObjectListField(item_class=temba_types.Message.AttachmentRef)
    quick_replies = _ListOrNothing(item_class=temba_types.Message.QuickReply)
    flow = temba_client.serialization.ObjectField(item_class=temba_types.ObjectRef)
    created_on = temba_client.serialization.DatetimeField()
    sent_on = temba_client.serialization.DatetimeField()
    modified_on = temba_client.serialization.DatetimeField()


# Resources read as TracPro's own types rather than temba_client's.
_READ_TYPES: dict[str, type[temba_client.serialization.TembaObject]] = {"messages": Message}


class RapidProError(Exception):
    """RapidPro could not be used; `str()` says why in words."""


class TokenRejected(RapidProError):
    pass


class RequestRejected(RapidProError):
    """RapidPro answered 400: the request itself is wrong (validation errors in `errors`)."""

    def __init__(self, errors: dict[str, Any]):
        self.errors = errors
        super().__init__(f"RapidPro rejected the request: {describe_errors(errors)}")


class MissingInRapidPro(RapidProError):
    """RapidPro answered 404: it has no such object (deleted there, say), or no longer knows a cursor."""


class Unavailable(RapidProError):
    """Throttled, down, or not answering, still after retrying: worth trying again later."""


class LinkRefused(RapidProError):
    """A download link RapidPro gave was refused (HTTP 403 or 404): expired, say; ask for a new one."""


class OutcomeUnknown(Unavailable):
    """A write reached RapidPro (or may have) and its answer was lost: a timeout once it was sent,
    a connection dropped mid-answer, a 5xx (often a proxy's, after RapidPro acted). RapidPro may
    have carried it out, so it must be looked up there before it is sent again."""


class Unreachable(Unavailable):
    """RapidPro could not be reached or did not answer in time: any other request would fail alike."""


class Throttled(Unavailable):
    """RapidPro's rate limit for one scope of requests outlasts what this pass may still wait."""

    def __init__(self, scope: str, retry_after: int):
        self.scope, self.retry_after = scope, retry_after
        minutes = f"about {max(1, round(retry_after / 60))} minutes" if retry_after else "a while"
        # Why the sync stopped, in words; the message adds what happens next.
        self.reason = f"RapidPro's rate limit for {scope} requests is reached for {minutes}"
        super().__init__(f"{self.reason}; the sync goes on from here on its next run.")


class IncompleteListing(RapidProError):
    """A whole list had items that could not be read: acting on the rest as the whole set would
    take the unread ones for gone. `malformed` holds them, (raw item, reason) each."""

    def __init__(self, resource: str, malformed: list[tuple[Any, str]]):
        self.resource, self.malformed = resource, malformed
        super().__init__(f"RapidPro sent {len(malformed)} {resource} item(s) that could not be read "
                         f"({malformed[0][1]}); they are kept aside and read again on the next run.")


# RapidPro's throttle scopes (temba/api/v2/views.py: each endpoint's throttle_scope).
THROTTLE_SCOPES = {"contacts": "v2.contacts", "messages": "v2.messages", "runs": "v2.runs"}
DEFAULT_THROTTLE_WAIT = 60.0


def throttle_scope(endpoint: str) -> str:
    """The scope an endpoint's requests count against; every endpoint not named shares "v2"."""
    return THROTTLE_SCOPES.get(endpoint, "v2")


def describe_errors(errors: Any) -> str:
    """RapidPro's nested field errors ({"urns": {"0": ["Invalid URN"]}}) as one line."""
    if isinstance(errors, dict):
        parts = []
        for key, value in errors.items():
            inner = describe_errors(value)
            unnamed = key in ("non_field_errors", "detail", "details") or key.isdigit()
            parts.append(inner if unnamed else f"{key}: {inner}")
        return "; ".join(parts)
    if isinstance(errors, list | tuple):
        return "; ".join(describe_errors(item) for item in errors)
    return str(errors)


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 6
    base_wait: float = 1.0  # doubled at each attempt ...
    max_wait: float = 60.0  # ... up to this


def _status_of(error: TembaHttpError) -> int | None:
    response = getattr(error.caused_by, "response", None)
    return getattr(response, "status_code", None)


def _is_transient(error: BaseException) -> bool:
    if isinstance(error, TembaRateExceededError | TembaConnectionError | requests.Timeout):
        return True
    return isinstance(error, TembaHttpError) and (_status_of(error) or 0) >= 500


def _download_failed_transiently(error: BaseException) -> bool:
    if isinstance(error, requests.ConnectionError | requests.Timeout | requests.exceptions.ChunkedEncodingError):
        return True
    response = getattr(error, "response", None)
    return isinstance(error, requests.HTTPError) and response is not None and response.status_code >= 500


def _never_sent(error: BaseException) -> bool:
    """The connection to RapidPro could not even be made (refused, no such host, connect timeout)."""
    if isinstance(error, TembaConnectionError):
        error = error.__context__ or error  # temba_client raises it while handling requests' error
    if isinstance(error, requests.ConnectTimeout):
        return True
    if not (isinstance(error, requests.ConnectionError) and error.args):
        return False
    # requests wraps urllib3's MaxRetryError, whose reason says what failed; urllib3's
    # NewConnectionError (refused, unknown host) is a ConnectTimeoutError too.
    return isinstance(getattr(error.args[0], "reason", None), urllib3.exceptions.ConnectTimeoutError)


def _write_outcome_unknown(error: BaseException) -> OutcomeUnknown | None:
    """For a write that failed with `error`: OutcomeUnknown when RapidPro may have acted on it."""
    if isinstance(error, TembaHttpError) and (_status_of(error) or 0) >= 500:
        return OutcomeUnknown(f"RapidPro answered with an error (HTTP {_status_of(error)}) and may still have "
                              "carried the request out; TracPro looks for it there before sending it again.")
    if isinstance(error, requests.Timeout | TembaConnectionError) and not _never_sent(error):
        return OutcomeUnknown("RapidPro did not answer the request in time (or dropped the connection) and may "
                              "still have carried it out; TracPro looks for it there before sending it again.")
    return None


def _translate(error: BaseException) -> RapidProError:
    if isinstance(error, TembaTokenError):
        return TokenRejected("RapidPro refused the API token (HTTP 403): check the org's RapidPro token.")
    if isinstance(error, TembaHttpError) and _status_of(error) == 401:  # a proxy's, or a newer RapidPro's refusal
        return TokenRejected("RapidPro refused the API token (HTTP 401): check the org's RapidPro token.")
    if isinstance(error, TembaBadRequestError):
        return RequestRejected(error.errors)
    if isinstance(error, TembaNoSuchObjectError):
        return MissingInRapidPro("RapidPro has no such object (HTTP 404).")
    if isinstance(error, TembaConnectionError):
        return Unreachable("RapidPro could not be reached (connection failed).")
    if isinstance(error, requests.Timeout):
        return Unreachable("RapidPro did not answer in time.")
    if isinstance(error, TembaHttpError):
        return Unavailable(f"RapidPro answered with an error (HTTP {_status_of(error)}).")
    return RapidProError(f"Unexpected answer from RapidPro: {error}")


@dataclass
class Page:
    """One page of a list endpoint."""

    items: list[Any]
    # (raw item, reason) for items that could not be read; the rest of the page is kept.
    malformed: list[tuple[Any, str]] = field(default_factory=list)
    # Where to resume to get the pages after this one; None after the last page.
    next_cursor: str | None = None
    # The modified_on of the page's last item (None when it has none that reads), and how many
    # items at the end of the page share it: where a walk in modified_on order stands after it.
    last_modified_on: datetime | None = None
    tied_at_end: int = 0

    @property
    def size(self) -> int:
        return len(self.items) + len(self.malformed)


def _modified_on(raw: Any) -> datetime | None:
    value = raw.get("modified_on") if isinstance(raw, dict) else None
    try:
        return _parse_iso8601(value) if isinstance(value, str) else None
    except Exception:  # temba_client's parser raises its own errors on text that is no date
        return None


def _tail(results: list[Any]) -> tuple[datetime | None, int]:
    """The last item's modified_on and how many items at the end share it."""
    last = _modified_on(results[-1]) if results else None
    if last is None:
        return None, 0
    tied = 1
    while tied < len(results) and _modified_on(results[-1 - tied]) == last:
        tied += 1
    return last, tied


def _cursor_of(url: str | None) -> str | None:
    if not url:
        return None
    cursors = parse_qs(urlparse(url).query).get("cursor")
    return cursors[0] if cursors else None


class RapidPro:
    """A RapidPro workspace, reached through temba_client over HTTP."""

    def __init__(self, host: str, token: str, retry: RetryPolicy | None = None, timeout: float = 120.0,
                 throttle_wait: float = DEFAULT_THROTTLE_WAIT):
        self.host = host
        self.retry = retry or RetryPolicy()
        self.timeout = timeout
        # Seconds this object may still spend waiting out throttling, and the scopes whose limit
        # outlasted that: their requests raise Throttled without being made.
        self.throttle_wait = throttle_wait
        self.throttled_scopes: dict[str, int] = {}
        self._client = TembaClient(host, token, user_agent=USER_AGENT)

    # -- calling, with retries and translated errors

    def _wait_for(self, error: BaseException | None, attempt: int) -> float:
        if isinstance(error, TembaRateExceededError) and error.retry_after:
            return float(error.retry_after)
        return min(self.retry.base_wait * 2 ** (attempt - 1), self.retry.max_wait)

    def _retrying(self, writes: bool) -> Retrying:
        def worth_retrying(error: BaseException, attempt: int) -> bool:
            if isinstance(error, TembaRateExceededError):
                return self._wait_for(error, attempt) <= self.throttle_wait
            return not writes and _is_transient(error)

        def should_retry(state: RetryCallState) -> bool:
            error = state.outcome.exception() if state.outcome else None
            return error is not None and worth_retrying(error, state.attempt_number)

        def wait(state: RetryCallState) -> float:
            error = state.outcome.exception() if state.outcome else None
            seconds = self._wait_for(error, state.attempt_number)
            if isinstance(error, TembaRateExceededError):
                self.throttle_wait -= seconds
            return seconds

        return Retrying(retry=should_retry, wait=wait, stop=stop_after_attempt(self.retry.attempts), reraise=True,
                        before_sleep=self._log_retry)

    @staticmethod
    def _log_retry(state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        log.warning("RapidPro call failed (%s: %s); retry %d", type(error).__name__, error, state.attempt_number)

    def _call(self, function, *args: Any, scope: str = "v2", writes: bool = False, **kwargs: Any) -> Any:
        if scope in self.throttled_scopes:
            raise Throttled(scope, self.throttled_scopes[scope])
        token = _timeout.set(self.timeout)
        try:
            return self._retrying(writes)(function, *args, **kwargs)
        except TembaRateExceededError as error:
            # Further requests in this scope would only be refused too: none is made until the
            # next pass, which starts with a new object (and a new budget).
            self.throttled_scopes[scope] = error.retry_after
            raise Throttled(scope, error.retry_after) from error
        except (
            TembaTokenError,
            TembaBadRequestError,
            TembaNoSuchObjectError,
            TembaConnectionError,
            TembaHttpError,
            requests.Timeout,
        ) as error:
            raise (writes and _write_outcome_unknown(error) or _translate(error)) from error
        finally:
            _timeout.reset(token)

    # -- reads

    def page(self, resource: str, cursor: str | None = None, **filters: Any) -> Page:
        """One page of a list endpoint: the first one of `filters`, or the one `cursor` (from a page
        asked with the same filters) points at."""
        query = getattr(self._client, f"get_{resource}")(**filters)
        params = dict(query.params)
        if cursor:
            params["cursor"] = cursor
        page, _next_url = self._fetch_page(resource, _READ_TYPES.get(resource, query.clazz), query.url, params)
        return page

    def pages(self, resource: str, resume_cursor: str | None = None, **filters: Any) -> Iterator[Page]:
        """Every page of a list endpoint, e.g. `pages("flow_starts")`, following RapidPro's cursor.

        A cursor passed back as `resume_cursor`, with the same filters, continues after the page
        it came with. The next page is fetched while the caller works on the current one.
        """
        query = getattr(self._client, f"get_{resource}")(**filters)
        params = dict(query.params)
        if resume_cursor:
            params["cursor"] = resume_cursor
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="rapidpro-fetch") as fetcher:
            clazz = _READ_TYPES.get(resource, query.clazz)
            pending: Future[tuple[Page, str | None]] | None = fetcher.submit(
                self._fetch_page, resource, clazz, query.url, params
            )
            while pending is not None:
                page, next_url = pending.result()
                pending = None if not page.size or not next_url else fetcher.submit(
                    self._fetch_page, resource, clazz, next_url, {}
                )
                yield page

    def _fetch_page(
        self, resource: str, clazz: type[temba_client.serialization.TembaObject], url: str, params: dict[str, Any]
    ) -> tuple[Page, str | None]:
        response = self._call(self._client._request, "get", url, params=params, scope=throttle_scope(resource))
        results = response.get("results") or []
        items, malformed = [], []
        for raw in results:
            try:
                items.append(clazz.deserialize(raw))
            except Exception as error:  # any unreadable shape: set the item apart, keep the page
                malformed.append((raw, f"{type(error).__name__}: {error}"))
        for raw, reason in malformed:
            log.warning("A malformed %s item from RapidPro (%s): %.300r", resource, reason, raw)
        next_url = response.get("next")
        last, tied = _tail(results)
        return Page(items, malformed, _cursor_of(next_url), last, tied), next_url

    def read(self, resource: str, raw: Any) -> Any:
        """One item of a list endpoint as its page would give it; raises what reading it raises."""
        return _READ_TYPES.get(resource, getattr(self._client, f"get_{resource}")().clazz).deserialize(raw)

    def all(self, resource: str, **filters: Any) -> list[Any]:
        """The whole list; IncompleteListing when any item could not be read."""
        items, malformed = [], []
        for page in self.pages(resource, **filters):
            items.extend(page.items)
            malformed.extend(page.malformed)
        if malformed:
            raise IncompleteListing(resource, malformed)
        return items

    def archives(self, kind: str, after: datetime | None = None) -> list[Any]:
        """RapidPro's archives of one kind ("run" or "message") starting on or after `after`'s date."""
        return self.all("archives", type=kind, after=after)

    def download(self, url: str, into: IO[bytes]) -> str:
        """Copy the file behind a link RapidPro gave (an archive's) into `into`; its MD5, in hex.

        The link carries its own credentials (S3 signs it): no token is sent, S3 refuses a
        second one. Bytes are kept as served (the archive stays gzipped). Dropped connections,
        timeouts and 5xx answers are retried from the start of the file.
        """

        def attempt() -> str:
            into.seek(0)
            into.truncate()
            digest = hashlib.md5(usedforsecurity=False)
            timeout = (min(10.0, self.timeout), self.timeout)
            with requests.get(url, stream=True, timeout=timeout, headers={"User-Agent": USER_AGENT}) as response:
                if response.status_code in (401, 403, 404, 410):
                    raise LinkRefused(f"RapidPro's download link was refused (HTTP {response.status_code}).")
                response.raise_for_status()
                try:
                    for chunk in response.raw.stream(1 << 20, decode_content=False):
                        digest.update(chunk)
                        into.write(chunk)
                except urllib3.exceptions.HTTPError as error:  # cut off mid-file: worth another try
                    raise requests.exceptions.ChunkedEncodingError(error) from error
            into.flush()
            return digest.hexdigest()

        retrying = Retrying(retry=retry_if_exception(_download_failed_transiently),
                            wait=lambda state: self._wait_for(None, state.attempt_number),
                            stop=stop_after_attempt(self.retry.attempts), reraise=True, before_sleep=self._log_retry)
        try:
            return retrying(attempt)
        except requests.RequestException as error:
            raise Unavailable(f"RapidPro's archive could not be downloaded ({type(error).__name__}).") from error

    @staticmethod
    def archived_runs(file: IO[bytes], flows: Collection[str], page_size: int = 250) -> Iterator[Page]:
        """The runs of `flows` in a downloaded run archive, a page at a time.

        An archive is gzipped JSON lines, one run each, as RapidPro's archiver wrote it: the
        fields runs.json has but `start` (and the contact's URN), read here into the same
        temba_client runs. A line that cannot be read is set aside with the reason, as on a page.
        """
        file.seek(0)
        items: list[Any] = []
        malformed: list[tuple[Any, str]] = []
        with gzip.open(file, "rt", encoding="utf-8") as lines:
            for line in lines:
                try:
                    raw = json.loads(line)
                    if raw["flow"]["uuid"] in flows:
                        items.append(temba_types.Run.deserialize(raw))
                except Exception as error:  # any unreadable record: set it aside, keep the rest
                    malformed.append((line, f"{type(error).__name__}: {error}"))
                    log.warning("Skipped a malformed archived run (%s): %.300r", malformed[-1][1], line)
                if len(items) + len(malformed) >= page_size:
                    yield Page(items, malformed)
                    items, malformed = [], []
        if items or malformed:
            yield Page(items, malformed)

    def workspace(self) -> Any:
        return self._call(self._client.get_org)

    def flow_definitions(self, flow_uuids: list[str]) -> list[dict[str, Any]]:
        # dependencies must be the string "none": temba_client sends False as 0, which RapidPro refuses.
        export = self._call(self._client.get_definitions, flows=flow_uuids, dependencies="none")
        return list(export.flows or [])

    # -- writes (never retried unless throttled: a POST that timed out may have been acted on)

    def start_flow(self, flow_uuid: str, contact_uuids: list[str], params: dict[str, Any] | None = None) -> Any:
        return self._call(
            self._client.create_flow_start,
            flow=flow_uuid,
            contacts=contact_uuids,
            restart_participants=True,
            params=params,
            writes=True,
        )

    def send_broadcast(self, text: str, contact_uuids: list[str]) -> Any:
        return self._call(self._client.create_broadcast, text=text, contacts=contact_uuids, writes=True)

    def create_contact(self, contact: dict[str, Any]) -> Any:
        return self._call(self._client.create_contact, scope=throttle_scope("contacts"), writes=True, **contact)

    def update_contact(self, uuid: str, contact: dict[str, Any]) -> Any:
        return self._call(self._client.update_contact, uuid, scope=throttle_scope("contacts"), writes=True, **contact)

    def delete_contact(self, uuid: str) -> None:
        self._call(self._client.delete_contact, uuid, scope=throttle_scope("contacts"), writes=True)
