"""Ranged Parquet sampling on S3: bytes fetched to sample 1,000 rows of a ~500 MB object.

Run::

    python benchmarks/bench_s3_ranged.py                  # ~500 MB object (cached in benchmarks/data/)
    python benchmarks/bench_s3_ranged.py --size-mb 100    # quicker

The object is generated deterministically (seeded) with pyarrow's default
writer settings — 1,048,576-row row groups, dictionary encoding with its 1 MiB
fallback, Snappy — and realistic, mostly incompressible columns (sequential
ids, 18-digit ID numbers, mobile numbers, names from a small vocabulary,
amounts, timestamps, 40-character notes).  It is uploaded by multipart upload
to moto's S3 server, run in a subprocess on 127.0.0.1 (moto keeps objects in
memory: about the object's size, twice during the upload).

Measured in the same run:

* **sampling**: a fresh :class:`~connectors.s3.S3Connector` lists the prefix,
  counts rows (footer) and samples ``--rows`` rows; bytes and GET requests are
  counted by its ranged reader.  The figure is bytes fetched / object size.
* **baseline**: one GET of the whole object (what a reader without ranged
  access — or DuckDB without httpfs, or pandas — would transfer).

Time ratios are indicative only: moto materialises the whole object for every
ranged GET (about 0.1–0.3 s per request at this size), which real S3 does not;
the benchmark measures that per-GET cost and prints the sampling time net of it.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

ROW_GROUP_ROWS = 1 << 20
BYTES_PER_ROW = 86  # measured on this layout; sizes the row count for --size-mb


def _digits(rng: np.random.Generator, n: int, width: int, lead: bytes = b"") -> pa.Array:
    body = rng.integers(48, 58, size=(n, width - len(lead)), dtype=np.uint8)
    if lead:
        body = np.hstack([np.tile(np.frombuffer(lead, np.uint8), (n, 1)), body])
    return pa.array(np.ascontiguousarray(body).view(f"S{width}").ravel()).cast(pa.string())


def _chunk(rng: np.random.Generator, start: int, n: int) -> pa.Table:
    surnames = np.array(list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"))
    given = np.array(list("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂"))
    letters = np.frombuffer(b"abcdefghijklmnopqrstuvwxyz0123456789 ", np.uint8)
    notes = letters[rng.integers(0, len(letters), size=(n, 40))]
    return pa.table(
        {
            "id": pa.array(np.arange(start, start + n, dtype=np.int64)),
            "resident_id": _digits(rng, n, 18),
            "mobile": _digits(rng, n, 11, lead=b"1"),
            "name": pa.array(
                np.char.add(
                    surnames[rng.integers(0, len(surnames), n)], given[rng.integers(0, len(given), n)]
                )
            ),
            "amount": pa.array(np.round(rng.gamma(2.0, 300.0, n), 2)),
            "created_at": pa.array(
                (1_700_000_000_000 + rng.integers(0, 40_000_000_000, n)).astype("datetime64[ms]")
            ),
            "note": pa.array(np.ascontiguousarray(notes).view("S40").ravel()).cast(pa.string()),
        }
    )


def build_object(path: Path, size_mb: int, seed: int = 20250101) -> Path:
    """Write the Parquet object once (deterministic for ``size_mb`` and ``seed``)."""
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = size_mb * 1_000_000 // BYTES_PER_ROW
    rng = np.random.default_rng(seed)
    tmp = path.with_suffix(".tmp")
    writer = None
    for start in range(0, rows, ROW_GROUP_ROWS):
        chunk = _chunk(rng, start, min(ROW_GROUP_ROWS, rows - start))
        if writer is None:
            writer = pq.ParquetWriter(tmp, chunk.schema)
        writer.write_table(chunk, row_group_size=ROW_GROUP_ROWS)
    assert writer is not None
    writer.close()
    os.replace(tmp, path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=int, default=500)
    parser.add_argument("--rows", type=int, default=1000, help="rows to sample")
    parser.add_argument("--seed", type=int, default=0, help="sampling seed")
    args = parser.parse_args()

    import boto3
    from boto3.s3.transfer import TransferConfig

    from connectors.s3 import S3Connector
    from tests.s3server import ACCESS_KEY, REGION, SECRET_KEY, admin_client, moto_server

    os.environ.update(
        AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=SECRET_KEY, AWS_DEFAULT_REGION=REGION
    )
    os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
    t0 = time.perf_counter()
    path = build_object(HERE / "data" / f"s3_ranged_{args.size_mb}mb.parquet", args.size_mb)
    size = path.stat().st_size
    md = pq.read_metadata(path)
    print(
        f"object: {size / 1e6:.1f} MB, {md.num_rows:,} rows, {md.num_row_groups} row groups, "
        f"{md.num_columns} columns (ready in {time.perf_counter() - t0:.1f} s)"
    )

    with moto_server(in_thread=False) as endpoint:
        client = admin_client(endpoint)
        client.create_bucket(Bucket="bench")
        t0 = time.perf_counter()
        client.upload_file(
            str(path),
            "bench",
            "lake/events.parquet",
            Config=TransferConfig(
                multipart_threshold=64 << 20, multipart_chunksize=64 << 20, max_concurrency=4
            ),
        )
        print(f"uploaded by multipart upload in {time.perf_counter() - t0:.1f} s")

        con = S3Connector("s3://bench/lake/", endpoint_url=endpoint)
        t0 = time.perf_counter()
        (info,) = con.list_tables()
        rows = con.row_count(info)
        footer_bytes, footer_requests = con.stats.bytes, con.stats.requests
        sample = con.sample(info, args.rows, seed=args.seed)
        sample_s = time.perf_counter() - t0
        assert rows == md.num_rows and sample.num_rows == args.rows
        groups = len(set((sample.column("id").to_numpy() // ROW_GROUP_ROWS).tolist()))

        reader = boto3.client("s3", endpoint_url=endpoint, region_name=REGION)
        t0 = time.perf_counter()
        for _ in range(3):  # moto's own cost of one ranged GET on this object (it reads the whole object)
            reader.get_object(Bucket="bench", Key="lake/events.parquet", Range="bytes=0-0")["Body"].read()
        per_get_s = (time.perf_counter() - t0) / 3

        t0 = time.perf_counter()
        body = reader.get_object(Bucket="bench", Key="lake/events.parquet")["Body"]
        whole = 0
        for chunk in body.iter_chunks(8 << 20):
            whole += len(chunk)
        whole_s = time.perf_counter() - t0
        assert whole == size

    print(f"footer + row count: {footer_bytes:,} bytes in {footer_requests} GETs")
    print(
        f"sample of {sample.num_rows:,} rows from {groups} row groups: "
        f"{con.stats.bytes:,} bytes fetched in {con.stats.requests} GETs, {sample_s:.2f} s"
    )
    print(f"baseline, whole object: {whole:,} bytes in 1 GET, {whole_s:.2f} s")
    print(
        f"moto's cost per ranged GET on this object: {per_get_s:.3f} s "
        f"(sampling time net of it: {max(0.0, sample_s - con.stats.requests * per_get_s):.2f} s)"
    )
    print(
        f"RESULT fetched {100 * con.stats.bytes / size:.2f} % of the object "
        f"(target < 5 %); time {sample_s / whole_s:.2f}x the full read"
    )


if __name__ == "__main__":
    main()
