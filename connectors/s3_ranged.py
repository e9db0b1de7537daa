"""Reading parts of one S3 object, with every byte fetched counted.

:class:`RangedS3File` is a seekable, read-only file over ``GetObject(Range=…)``:
pyarrow reads Parquet through it (wrapped in :class:`pyarrow.PythonFile`), so a
sample costs the footer plus the byte ranges of the sampled row groups, not the
object.  Ranges that the caller knows it will need can be :meth:`prefetched
<RangedS3File.prefetch>` in few requests (adjacent ranges are coalesced);
anything else is fetched on demand in blocks of at least :data:`MIN_FETCH`
bytes.  Fetched blocks stay cached until :meth:`~RangedS3File.drop_cache`.

:func:`open_body` streams an object (or its first bytes) for formats that have
no random access (CSV, JSON, compressed text).

Every GET carries ``If-Match`` with the ETag seen at listing, so an object
replaced while it is being read fails with ``PreconditionFailed`` instead of
mixing two versions.  :class:`FetchStats` counts requests and bytes: tests and
benchmarks assert on them, and the connector exposes its totals.
"""

from __future__ import annotations

import bisect
import io
from collections.abc import Iterable
from dataclasses import dataclass

MIN_FETCH = 128 * 1024
COALESCE_GAP = 64 * 1024


@dataclass
class FetchStats:
    """Requests made and bytes received from S3."""

    requests: int = 0
    bytes: int = 0

    def add(self, nbytes: int) -> None:
        self.requests += 1
        self.bytes += nbytes


class RangedS3File(io.RawIOBase):
    """A read-only, seekable file over ranged GETs of one object of known ``size``."""

    def __init__(
        self,
        client,
        bucket: str,
        key: str,
        size: int,
        *,
        etag: str | None = None,
        stats: FetchStats | None = None,
        min_fetch: int = MIN_FETCH,
    ) -> None:
        super().__init__()
        self.client, self.bucket, self.key, self.size = client, bucket, key, size
        self.etag = etag
        self.stats = stats if stats is not None else FetchStats()
        self.min_fetch = min_fetch
        self._pos = 0
        self._starts: list[int] = []  # sorted block starts
        self._blocks: dict[int, bytes] = {}

    # -- io.RawIOBase -------------------------------------------------------------
    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self.size}[whence]
        if base + offset < 0:
            raise ValueError("negative seek position")
        self._pos = base + offset
        return self._pos

    def readinto(self, buffer) -> int:
        view = memoryview(buffer).cast("B")
        data = self.read_at(self._pos, len(view))
        view[: len(data)] = data
        self._pos += len(data)
        return len(data)

    def readall(self) -> bytes:
        data = self.read_at(self._pos, self.size - self._pos)
        self._pos += len(data)
        return data

    # -- ranges -----------------------------------------------------------------
    def read_at(self, offset: int, nbytes: int) -> bytes:
        """``nbytes`` at ``offset`` (fewer only at the end of the object), from the cache or S3."""
        end = min(self.size, offset + max(0, nbytes))
        parts, pos = [], offset
        while pos < end:
            block_start, block = self._block_at(pos)
            if block is None:
                nxt = bisect.bisect_right(self._starts, pos)
                stop = self._starts[nxt] if nxt < len(self._starts) else self.size
                fetch_end = min(stop, max(end, pos + self.min_fetch), self.size)
                self._store(pos, self.fetch(pos, fetch_end))
                continue
            take = block[pos - block_start : end - block_start]
            parts.append(take)
            pos += len(take)
        return b"".join(parts)

    def prefetch(self, ranges: Iterable[tuple[int, int]], *, gap: int = COALESCE_GAP) -> None:
        """Fetch ``[start, end)`` ranges not yet cached, merging those less than ``gap`` bytes apart."""
        merged: list[list[int]] = []
        for start, end in sorted((max(0, s), min(self.size, e)) for s, e in ranges):
            if end <= start:
                continue
            if merged and start <= merged[-1][1] + gap:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        for start, end in merged:
            if not self._covered(start, end):
                self._store(start, self.fetch(start, end))

    def fetch(self, start: int, end: int) -> bytes:
        """One ``GetObject`` of bytes ``[start, end)``; short answers are an error (the object changed)."""
        kwargs = {"Bucket": self.bucket, "Key": self.key, "Range": f"bytes={start}-{end - 1}"}
        if self.etag:
            kwargs["IfMatch"] = self.etag
        body = self.client.get_object(**kwargs)["Body"]
        try:
            data = body.read()
        finally:
            body.close()
        self.stats.add(len(data))
        if len(data) != end - start:
            raise OSError(f"asked for {end - start} bytes at {start}, got {len(data)}; the object changed")
        return data

    def drop_cache(self) -> None:
        self._starts.clear()
        self._blocks.clear()

    def _block_at(self, pos: int) -> tuple[int, bytes | None]:
        i = bisect.bisect_right(self._starts, pos) - 1
        if i >= 0:
            start = self._starts[i]
            block = self._blocks[start]
            if pos < start + len(block):
                return start, block
        return pos, None

    def _covered(self, start: int, end: int) -> bool:
        pos = start
        while pos < end:
            block_start, block = self._block_at(pos)
            if block is None:
                return False
            pos = block_start + len(block)
        return True

    def _store(self, start: int, data: bytes) -> None:
        # Keep blocks disjoint: trim the new block where an existing one begins.
        nxt = bisect.bisect_right(self._starts, start)
        if nxt < len(self._starts):
            data = data[: self._starts[nxt] - start]
        if data:
            bisect.insort(self._starts, start)
            self._blocks[start] = data


class CountingBody(io.RawIOBase):
    """A botocore ``StreamingBody`` as a raw stream whose bytes are counted."""

    def __init__(self, body, stats: FetchStats) -> None:
        super().__init__()
        self.body = body
        self.stats = stats
        self.stats.requests += 1
        self.received = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        view = memoryview(buffer).cast("B")
        data = self.body.read(len(view))
        view[: len(data)] = data
        self.received += len(data)
        self.stats.bytes += len(data)
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self.body.close()
        super().close()


def open_body(
    client, bucket: str, key: str, *, etag: str | None, stats: FetchStats, limit: int | None = None
) -> CountingBody:
    """Stream the object, or only its first ``limit`` bytes (a ranged GET); close it to stop early."""
    kwargs = {"Bucket": bucket, "Key": key}
    if limit is not None:
        kwargs["Range"] = f"bytes=0-{max(0, limit - 1)}"
    if etag:
        kwargs["IfMatch"] = etag
    return CountingBody(client.get_object(**kwargs)["Body"], stats)
