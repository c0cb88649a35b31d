"""Deterministic hashing: every generated value is a pure function of (seed, tag, index).

Nothing in the dataset is drawn from a stateful RNG, so any record can be rebuilt on its
own, in any order, by any thread: that is what lets the national tier stream without ever
being materialised.  Vectorised (numpy uint64) and scalar (Python int) forms give equal
results, which tests rely on.
"""

from __future__ import annotations

import functools
import zlib

import numpy as np

M64 = (1 << 64) - 1
_G = 0x9E3779B97F4A7C15
_C1 = 0xBF58476D1CE4E5B9
_C2 = 0x94D049BB133111EB


@functools.cache
def tag(name: str) -> int:
    """A stable 32-bit number for a stream name (Python's hash() is salted per process)."""
    return zlib.crc32(name.encode())


def mix(x: int) -> int:
    """splitmix64 finaliser on a Python int."""
    x = (x + _G) & M64
    x = ((x ^ (x >> 30)) * _C1) & M64
    x = ((x ^ (x >> 27)) * _C2) & M64
    return x ^ (x >> 31)


def vmix(x: np.ndarray | np.unsignedinteger) -> np.ndarray:
    """splitmix64 finaliser on a uint64 array (wraps modulo 2**64 like the scalar form)."""
    x = np.atleast_1d(x).astype(np.uint64, copy=True)
    with np.errstate(over="ignore"):
        x += np.uint64(_G)
        x ^= x >> np.uint64(30)
        x *= np.uint64(_C1)
        x ^= x >> np.uint64(27)
        x *= np.uint64(_C2)
        x ^= x >> np.uint64(31)
    return x


def h(seed: int, name: str, *parts: int) -> int:
    """Scalar hash of a seed, a stream name and integer parts."""
    x = mix((seed & M64) ^ tag(name))
    for p in parts:
        x = mix(x ^ (p & M64))
    return x


def vh(seed: int, name: str, *parts) -> np.ndarray:
    """Vectorised `h`: parts may be ints or integer arrays (broadcast together)."""
    x = np.uint64(mix((seed & M64) ^ tag(name)))
    out = None
    for p in parts:
        arr = np.asarray(p).astype(np.int64).view(np.uint64) if not isinstance(p, int) else np.uint64(p & M64)
        out = vmix((x if out is None else out) ^ arr)
    if out is None:
        return np.asarray([x], dtype=np.uint64)
    return np.atleast_1d(out)


def unit(x: np.ndarray) -> np.ndarray:
    """Map uint64 hashes to floats uniform in [0, 1)."""
    return (x >> np.uint64(11)).astype(np.float64) * (1.0 / (1 << 53))


def pick(x: np.ndarray, n: int) -> np.ndarray:
    """Map uint64 hashes to ints uniform in [0, n)."""
    return (x % np.uint64(n)).astype(np.int64)


def uuid4_str(hi: int, lo: int) -> str:
    """Format two 64-bit numbers as a version-4 UUID string."""
    return "%08x-%04x-4%03x-%04x-%012x" % (
        hi >> 32, (hi >> 16) & 0xFFFF, hi & 0xFFF, 0x8000 | ((lo >> 48) & 0x3FFF), lo & 0xFFFFFFFFFFFF)


def uuid7_str(ms: int, rand: int, low48: int) -> str:
    """Format a time-ordered version-7 UUID like RapidPro's run and message UUIDs."""
    return "%08x-%04x-7%03x-%04x-%012x" % (
        ms >> 16 & 0xFFFFFFFF, ms & 0xFFFF, rand & 0xFFF, 0x8000 | ((rand >> 12) & 0x3FFF), low48 & 0xFFFFFFFFFFFF)


def low48_of(uuid: str) -> int | None:
    """The last 48 bits of a UUID string (where encoded ids live), or None if not a UUID."""
    if len(uuid) != 36 or uuid[8] != "-" or uuid[13] != "-" or uuid[18] != "-" or uuid[23] != "-":
        return None
    try:
        int(uuid.replace("-", ""), 16)
        return int(uuid[24:], 16)
    except ValueError:
        return None


class AffinePerm:
    """A cheap, invertible permutation of range(n): i -> (a*i + b) mod n.

    Used to pick "a random-looking subset" (the first k images) without storing anything,
    and to answer "which position does element x have" in O(1) via the inverse.
    """

    def __init__(self, n: int, seed: int, name: str, *parts: int) -> None:
        self.n = max(int(n), 1)
        x = h(seed, name, *parts)
        a = (x % self.n) | 1
        while _gcd(a, self.n) != 1:
            a += 2
        self.a = a % self.n or 1
        self.b = (x >> 32) % self.n
        self.ainv = pow(self.a, -1, self.n) if self.n > 1 else 0

    def __call__(self, i: np.ndarray) -> np.ndarray:
        return (np.asarray(i, dtype=np.int64) * self.a + self.b) % self.n

    def one(self, i: int) -> int:
        return (i * self.a + self.b) % self.n

    def inverse(self, x: int) -> int:
        return ((x - self.b) * self.ainv) % self.n


def _gcd(a: int, b: int) -> int:
    while b:
        a, b = b, a % b
    return a


def uid(seed: int, name: str, *parts: int) -> str:
    """A deterministic version-4 UUID for a named object."""
    return uuid4_str(h(seed, name, *parts), h(seed, name + "/lo", *parts))


_M48 = (1 << 48) - 1
_A48 = 0x5DEECE66D  # odd multipliers are invertible modulo 2**48
_B48 = 0xB5AD4ECEDA1
_A48_INV = pow(_A48, -1, 1 << 48)
_B48_INV = pow(_B48, -1, 1 << 48)


def scramble48(i: int, mask: int) -> int:
    """An invertible 48-bit scramble: ids hidden in UUIDs without looking sequential."""
    x = ((i ^ mask) * _A48) & _M48
    x ^= x >> 24
    x = (x * _B48) & _M48
    return x ^ (x >> 24)


def unscramble48(x: int, mask: int) -> int:
    x ^= x >> 24
    x = (x * _B48_INV) & _M48
    x ^= x >> 24
    return ((x * _A48_INV) & _M48) ^ mask


def vscramble48(i: np.ndarray, mask: int) -> np.ndarray:
    """Vectorised `scramble48` (uint64 arithmetic wraps modulo 2**64, a multiple of 2**48)."""
    m = np.uint64(_M48)
    with np.errstate(over="ignore"):
        x = ((np.asarray(i, dtype=np.int64).view(np.uint64) ^ np.uint64(mask)) * np.uint64(_A48)) & m
        x ^= x >> np.uint64(24)
        x = (x * np.uint64(_B48)) & m
        return x ^ (x >> np.uint64(24))


_HEXCHARS = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_SHIFTS = np.arange(60, -4, -4, dtype=np.uint64)
_DASHES = [8, 13, 18, 23]


def hex_uuids(hi: np.ndarray, lo: np.ndarray) -> list[str]:
    """Format (hi, lo) uint64 pairs as UUID text, vectorised (a page needs hundreds)."""
    hi = np.asarray(hi, dtype=np.uint64)
    lo = np.asarray(lo, dtype=np.uint64)
    nib = np.concatenate([(hi[:, None] >> _SHIFTS) & np.uint64(15), (lo[:, None] >> _SHIFTS) & np.uint64(15)], axis=1)
    chars = _HEXCHARS[nib.astype(np.intp)]
    out = np.full((len(hi), 37), ord("-"), dtype=np.uint8)
    out[:, 36] = ord("\n")
    out[:, 0:8], out[:, 9:13], out[:, 14:18], out[:, 19:23], out[:, 24:36] = (
        chars[:, 0:8], chars[:, 8:12], chars[:, 12:16], chars[:, 16:20], chars[:, 20:32])
    return out.tobytes().decode("ascii").split("\n")[:-1]


def uuid4_many(hi: np.ndarray, lo: np.ndarray) -> list[str]:
    """Vectorised `uuid4_str` (inputs uint64 arrays)."""
    hi = (np.asarray(hi, dtype=np.uint64) & np.uint64(0xFFFFFFFFFFFF0FFF)) | np.uint64(0x4000)
    lo = (np.asarray(lo, dtype=np.uint64) & np.uint64(0x3FFFFFFFFFFFFFFF)) | np.uint64(0x8000000000000000)
    return hex_uuids(hi, lo)


def uuid7_many(ms: np.ndarray, rand: np.ndarray, low48: np.ndarray) -> list[str]:
    """Vectorised `uuid7_str`."""
    ms = np.asarray(ms, dtype=np.int64).astype(np.uint64)
    rand = np.asarray(rand, dtype=np.uint64)
    hi = ((ms & np.uint64(0xFFFFFFFFFFFF)) << np.uint64(16)) | np.uint64(0x7000) | (rand & np.uint64(0xFFF))
    lo = ((np.uint64(0x8000) | ((rand >> np.uint64(12)) & np.uint64(0x3FFF))) << np.uint64(48)) | \
        (np.asarray(low48, dtype=np.uint64) & np.uint64(0xFFFFFFFFFFFF))
    return hex_uuids(hi, lo)
