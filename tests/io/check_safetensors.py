#!/usr/bin/env python3
"""Check a safetensors file's byte layout with nothing but the Python standard library.

    python3 tests/io/check_safetensors.py FILE [--expect NAME=v1,v2,...]...

Checks: 8-byte little-endian header length N, N a multiple of 8, the header is a JSON
object whose entries have dtype/shape/data_offsets, offsets are contiguous from 0 and
cover the data section exactly (what the reference `safetensors` package requires), and
every size agrees with shape * dtype. Prints each tensor and its first values; each
--expect NAME=... compares a tensor's values (to 1e-6 relative). Exit status 0 = OK.
tests/io/safetensors.cpp runs it on a file ctnn wrote when python3 is on PATH.
"""
import json
import struct
import sys

FORMATS = {"F64": "d", "F32": "f", "F16": "e", "I64": "q", "I32": "i", "I16": "h", "I8": "b",
           "U64": "Q", "U32": "I", "U16": "H", "U8": "B", "BOOL": "?"}


def decode(dtype, raw):
    if dtype == "BF16":
        return [struct.unpack("<f", b"\0\0" + raw[i:i + 2])[0] for i in range(0, len(raw), 2)]
    fmt = FORMATS[dtype]
    n = len(raw) // struct.calcsize(fmt)
    return list(struct.unpack("<%d%s" % (n, fmt), raw))


def check(path, expects):
    data = open(path, "rb").read()
    assert len(data) >= 8, "file shorter than 8 bytes"
    (n,) = struct.unpack("<Q", data[:8])
    assert n % 8 == 0, "header length %d is not a multiple of 8" % n
    assert 8 + n <= len(data), "header length %d runs past the end of the file" % n
    header = json.loads(data[8:8 + n].decode("utf-8"))
    assert isinstance(header, dict), "header is not a JSON object"
    buf = data[8 + n:]
    meta = header.pop("__metadata__", {})
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in meta.items()), "metadata not str->str"
    size = {"BF16": 2}
    tensors = {}
    for name, e in header.items():
        dtype, shape, (begin, end) = e["dtype"], e["shape"], e["data_offsets"]
        esize = size.get(dtype) or struct.calcsize(FORMATS[dtype])
        count = 1
        for d in shape:
            assert isinstance(d, int) and d >= 0, "%s: bad dimension %r" % (name, d)
            count *= d
        assert end - begin == count * esize, "%s: offsets disagree with shape" % name
        tensors[name] = (dtype, shape, begin, end)
    pos = 0
    for name, (dtype, shape, begin, end) in sorted(tensors.items(), key=lambda kv: kv[1][2:]):
        assert begin == pos, "%s: starts at %d, expected %d (gap or overlap)" % (name, begin, pos)
        pos = end
    assert pos == len(buf), "tensors cover %d of %d data bytes" % (pos, len(buf))
    print("metadata", json.dumps(meta, sort_keys=True))
    for name, (dtype, shape, begin, end) in tensors.items():
        values = decode(dtype, buf[begin:end])
        print(name, dtype, shape, values[:6])
        if name in expects:
            want = expects.pop(name)
            assert len(want) == len(values), "%s: %d values, expected %d" % (name, len(values), len(want))
            for got, w in zip(values, want):
                assert abs(got - w) <= 1e-6 * max(1.0, abs(w)), "%s: %r != %r" % (name, got, w)
    assert not expects, "missing tensors: %s" % sorted(expects)
    print("OK", path)


def main(argv):
    if not argv or argv[0].startswith("-"):
        print(__doc__)
        return 2
    expects = {}
    args = argv[1:]
    while args:
        flag, spec = args[0], args[1]
        assert flag == "--expect", "unknown argument %s" % flag
        name, values = spec.split("=", 1)
        expects[name] = [float(v) for v in values.split(",") if v]
        args = args[2:]
    try:
        check(argv[0], expects)
    except (AssertionError, KeyError, ValueError, TypeError) as e:
        print("FAIL", argv[0], e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
