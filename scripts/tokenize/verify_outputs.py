#!/usr/bin/env python3
"""Reads every output of sheikh-tokenize with the owning format's Python reader and checks
the tokens round-trip against the JSON dump the `tokenize_corpus` example writes.

Not part of CI. Readers used:
  Megatron .bin/.idx : numpy memmap, following Megatron-Core's indexed_dataset.py layout
                       (_INDEX_HEADER b"MMIDIDX\\x00\\x00", <Q version, <B dtype code,
                       <Q sequence count, <Q document count, int32 lengths, int64 byte
                       pointers, int64 document indices); if megatron-core is installed,
                       its IndexedDataset is used as well.
  flat token file    : numpy memmap with the dtype from flat/meta.json.
  Parquet            : pyarrow.parquet and HuggingFace datasets.load_dataset("parquet").

    /tmp/tokvenv/bin/pip install numpy pyarrow datasets
    cargo run -p sheikh-tokenize --release --example tokenize_corpus -- fixtures/corpus \\
        --out /tmp/tok-out --dump-json /tmp/tok-out/expected.json
    /tmp/tokvenv/bin/python scripts/tokenize/verify_outputs.py /tmp/tok-out/expected.json
"""
import json
import struct
import sys
from pathlib import Path

import numpy as np

HEADER = b"MMIDIDX\x00\x00"
DTYPES = {1: np.uint8, 2: np.int8, 3: np.int16, 4: np.int32, 5: np.int64, 6: np.float64,
          7: np.float32, 8: np.uint16}

passed, failed = 0, 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name} {detail}")


def read_megatron(prefix: str):
    with open(prefix + ".idx", "rb") as f:
        header = f.read(9)
        assert header == HEADER, header
        (version,) = struct.unpack("<Q", f.read(8))
        (code,) = struct.unpack("<B", f.read(1))
        (seq_count,) = struct.unpack("<Q", f.read(8))
        (doc_count,) = struct.unpack("<Q", f.read(8))
        offset = f.tell()
    buf = np.memmap(prefix + ".idx", mode="r", order="C")
    lengths = np.frombuffer(buf, dtype=np.int32, count=seq_count, offset=offset)
    pointers = np.frombuffer(buf, dtype=np.int64, count=seq_count, offset=offset + lengths.nbytes)
    docs = np.frombuffer(buf, dtype=np.int64, count=doc_count,
                         offset=offset + lengths.nbytes + pointers.nbytes)
    dtype = DTYPES[code]
    bin_ = np.memmap(prefix + ".bin", mode="r", order="C")
    seqs = [np.frombuffer(bin_, dtype=dtype, count=int(n), offset=int(p)) for n, p in zip(lengths, pointers)]
    return version, dtype, lengths, pointers, docs, seqs


def parquet_rows(files):
    import pyarrow.parquet as pq
    rows = []
    for f in files:
        t = pq.read_table(f)
        assert t.column_names == ["input_ids", "labels", "attention_mask"], t.column_names
        rows.extend(zip(t["input_ids"].to_pylist(), t["labels"].to_pylist(), t["attention_mask"].to_pylist()))
    return rows


def check_datasets(files, rows):
    from datasets import load_dataset
    ds = load_dataset("parquet", data_files=[str(f) for f in files], split="train")
    check("datasets: row count", len(ds) == len(rows), f"{len(ds)} vs {len(rows)}")
    check("datasets: features", set(ds.features) == {"input_ids", "labels", "attention_mask"}, str(ds.features))
    same = all(ds[i]["input_ids"] == rows[i][0] and ds[i]["labels"] == rows[i][1]
               and ds[i]["attention_mask"] == rows[i][2] for i in range(len(rows)))
    check("datasets: rows equal pyarrow's", same)


def pretraining(d):
    samples = [np.asarray(s, dtype=np.int64) for s in d["samples"]]
    concat = np.concatenate(samples) if samples else np.zeros(0, dtype=np.int64)
    if d.get("megatron_prefix"):
        version, dtype, lengths, pointers, docs, seqs = read_megatron(d["megatron_prefix"])
        check("megatron: version 1", version == 1)
        check("megatron: one sequence per sample", len(seqs) == len(samples), f"{len(seqs)} vs {len(samples)}")
        check("megatron: document indices 0..n", np.array_equal(docs, np.arange(len(samples) + 1)))
        expected_ptr = np.concatenate([[0], np.cumsum(lengths.astype(np.int64))[:-1]]) * np.dtype(dtype).itemsize
        check("megatron: pointers are byte offsets", np.array_equal(pointers, expected_ptr[:len(pointers)]))
        check("megatron: tokens round-trip",
              all(np.array_equal(a.astype(np.int64), b) for a, b in zip(seqs, samples)))
        try:
            from megatron.core.datasets.indexed_dataset import IndexedDataset
            ds = IndexedDataset(d["megatron_prefix"], multimodal=False, mmap=True)
            check("megatron-core IndexedDataset agrees",
                  len(ds) == len(samples) and all(np.array_equal(ds[i].astype(np.int64), samples[i]) for i in range(len(ds))))
        except ImportError:
            print("skip megatron-core not installed (the numpy reader above follows its layout)")
    if d.get("flat"):
        meta = json.loads((Path(d["flat"]).parent / "meta.json").read_text())
        flat = np.memmap(d["flat"], dtype=np.dtype(meta["dtype"]), mode="r")
        check("flat: dtype matches meta.json", meta["dtype"] == d["flat_dtype"])
        check("flat: tokens round-trip", np.array_equal(flat.astype(np.int64), concat))
    if d.get("parquet"):
        rows = parquet_rows(d["parquet"])
        seq_len, pad = d["seq_len"], d["pad_id"]
        check("parquet: every row has seq_len tokens", all(len(r[0]) == seq_len for r in rows))
        labels_ok = all(l == (t if m else -100) for ids, lab, mask in rows for t, l, m in zip(ids, lab, mask))
        check("parquet: labels are input_ids, -100 on padding", labels_ok)
        pads_ok = all(t == pad for ids, _, mask in rows for t, m in zip(ids, mask) if not m)
        check("parquet: padding uses pad_id and sits at the end",
              pads_ok and all(mask == sorted(mask, reverse=True) for _, _, mask in rows))
        valid = [np.asarray([t for t, m in zip(ids, mask) if m]) for ids, _, mask in rows]
        if d["packing"] == "concat":
            got = np.concatenate(valid) if valid else np.zeros(0)
            if d["drop_remainder"]:
                ok = np.array_equal(got, concat[: len(got)])
            else:
                ok = np.array_equal(got, concat)
            check("parquet (concat): tokens round-trip", ok)
        else:
            expected = [s[i:i + seq_len] for s in samples for i in range(0, len(s), seq_len)]
            check("parquet (pad): one sample per row, tokens round-trip",
                  len(expected) == len(valid) and all(np.array_equal(a, b) for a, b in zip(valid, expected)))
        check_datasets(d["parquet"], rows)


def instruction(d):
    rows = parquet_rows(d["parquet"])
    examples = d["examples"]
    seq_len = d["seq_len"]
    check("parquet: every row has seq_len tokens", all(len(r[0]) == seq_len for r in rows))
    nxt, ok = 0, True
    for ids, labels, mask in rows:
        valid = sum(mask)
        at = 0
        while at < valid and nxt < len(examples):
            ex = examples[nxt]
            n = len(ex["input_ids"])
            if ids[at:at + n] != ex["input_ids"]:
                ok = False
                break
            if labels[at:at + n] != [t if m else -100 for t, m in zip(ex["input_ids"], ex["loss_mask"])]:
                ok = False
                break
            at += n
            nxt += 1
        ok = ok and at == valid and all(l == -100 for l in labels[valid:])
    check("parquet: whole examples in order, labels = response tokens only", ok and nxt == len(examples),
          f"{nxt}/{len(examples)} examples matched")
    check_datasets(d["parquet"], rows)


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    d = json.loads(Path(sys.argv[1]).read_text())
    (pretraining if d["kind"] == "pretraining" else instruction)(d)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
