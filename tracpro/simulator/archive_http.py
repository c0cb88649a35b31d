"""archives.json and the archives' download URLs, as RapidPro and S3 serve them.

archives.json is paged by Django REST framework's LimitOffsetPagination (RapidPro's default
for it: 250 a page, a ``count``, ``next`` carrying ``limit`` and ``offset``), newest first,
filtered by ``type`` (or ``archive_type``), ``period`` (daily|monthly) and ``after``/``before``
on the start date (inclusive; a datetime counts by its UTC date).  Empty archives are listed
with no hash and no URL.

``download_url`` is signed like an S3 presigned URL, valid 24 hours by the simulator's clock,
and served under the simulator's own host: an expired or altered URL is refused (403), and so is
a request that also carries an Authorization header (400, as S3 refuses two credentials).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode

from .archives import PERIODS, Archive
from .pagination import one
from .timefmt import from_us, parse_param

BUCKET = "temba-archives"
PREFIX = f"/{BUCKET}/"
ORG_ID = 1  # the workspace's id in the files' keys ("<org id>/run_D20260908_<hash>.jsonl.gz")
URL_TTL = 24 * 3600  # seconds: RapidPro's Archive.DOWNLOAD_EXPIRES
PAGE = 250


@dataclass
class Download:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    archive: Archive | None = None  # the bytes to send, for a 200


def listing(ds, params: dict, url: str, now_us: int) -> dict:
    """One page of archives.json; `url` is the request's absolute URL without its query."""
    kind = one(params, "type") or one(params, "archive_type")
    period = {"daily": "D", "monthly": "M"}.get(one(params, "period") or "")
    after, before = _date(params, "after"), _date(params, "before")
    rows = [p for p in ds.archives.periods
            if (not kind or p.type == kind) and (period is None or p.period == period)
            and (after is None or (after is not False and p.start >= after))
            and (before is None or (before is not False and p.start <= before))]
    rows.sort(key=lambda p: (p.start, p.type, p.period), reverse=True)
    limit, offset = _int(params, "limit", PAGE), _int(params, "offset", 0)
    page = [ds.archives.archive(p) for p in rows[offset:offset + limit]]
    host = url.split("/api/v2/")[0]
    return {
        "count": len(rows),
        "next": _page_url(url, params, limit, offset + limit) if offset + limit < len(rows) else None,
        "previous": _page_url(url, params, limit, offset - limit) if offset > 0 else None,
        "results": [_item(ds, a, host, now_us) for a in page],
    }


def _item(ds, archive: Archive, host: str, now_us: int) -> dict:
    p = archive.period
    return {"type": p.type, "start_date": p.start.isoformat(), "period": PERIODS[p.period],
            "record_count": archive.record_count, "size": archive.size, "hash": archive.hash,
            "download_url": _signed_url(ds, archive, host, now_us) if archive.hash else None,
            "archive_type": p.type}


def _signed_url(ds, archive: Archive, host: str, now_us: int) -> str:
    path = f"{PREFIX}{ORG_ID}/{archive.period.key}_{archive.hash}.jsonl.gz"
    stamp = from_us(now_us).strftime("%Y%m%dT%H%M%SZ")
    query = {
        "response-content-disposition": "attachment;", "response-content-encoding": "none",
        "response-content-type": "application/octet", "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
        "X-Amz-Credential": f"SIMULATOR/{stamp[:8]}/us-east-1/s3/aws4_request", "X-Amz-Date": stamp,
        "X-Amz-Expires": str(URL_TTL), "X-Amz-SignedHeaders": "host",
        "X-Amz-Signature": _signature(ds, path, stamp, str(URL_TTL)),
    }
    return f"{host}{path}?{urlencode(query)}"


def _signature(ds, path: str, stamp: str, expires: str) -> str:
    return hmac.new(ds.archives.secret, f"{path}\n{stamp}\n{expires}".encode(), hashlib.sha256).hexdigest()


def download(ds, path: str, query: str, authorization: str | None, now_us: int) -> Download:
    """What S3 answers to a GET of an archive's download URL."""
    params = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}
    if authorization and "X-Amz-Signature" in params:
        return _error(400, "InvalidArgument", "Only one auth mechanism allowed; only the X-Amz-Algorithm query "
                      "parameter, Signature query string parameter or the Authorization header should be specified")
    stamp, expires, signature = (params.get(k, "") for k in ("X-Amz-Date", "X-Amz-Expires", "X-Amz-Signature"))
    if not signature or not hmac.compare_digest(signature, _signature(ds, path, stamp, expires)):
        return _error(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the "
                      "signature you provided.")
    signed = dt.datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
    if from_us(now_us) > signed + dt.timedelta(seconds=int(expires)):
        return _error(403, "AccessDenied", "Request has expired")
    archive = ds.archives.find(path.rsplit("/", 1)[-1])
    if archive is None or not path.startswith(f"{PREFIX}{ORG_ID}/"):
        return _error(404, "NoSuchKey", "The specified key does not exist.")
    return Download(200, {"Content-Type": "application/octet", "Content-Disposition": "attachment;",
                          "Content-Encoding": "none", "ETag": f'"{archive.hash}"', "Accept-Ranges": "bytes"},
                    archive=archive)


def _error(status: int, code: str, message: str) -> Download:
    body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{message}</Message>'
            f"</Error>").encode()
    return Download(status, {"Content-Type": "application/xml"}, body)


def _date(params: dict, name: str) -> dt.date | bool | None:
    """A before/after value as the date Django compares a DateField with; False when unparseable
    (RapidPro then answers an empty list)."""
    value = one(params, name)
    if not value:
        return None
    parsed = parse_param(value)
    return False if parsed is None else from_us(parsed).date()


def _int(params: dict, name: str, default: int) -> int:
    """A limit or offset; anything else than a whole number (above 0 for a limit) means the default."""
    try:
        value = int(one(params, name) or default)
    except ValueError:
        return default
    return value if value > 0 or (value == 0 and name == "offset") else default


def _page_url(url: str, params: dict, limit: int, offset: int) -> str:
    query = {k: v for k, v in params.items() if k not in ("limit", "offset")}
    query["limit"] = [str(limit)]
    if offset > 0:
        query["offset"] = [str(offset)]
    return f"{url}?{urlencode(sorted(query.items()), doseq=True)}"

