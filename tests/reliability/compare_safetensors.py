#!/usr/bin/env python3
"""Compares the tensors of two safetensors files, name by name.

    compare_safetensors.py A B [--close PATTERN TOLERANCE]

Every tensor must be byte-identical, except those whose name contains PATTERN: their float32
values may differ by up to TOLERANCE times the tensor's largest magnitude. Prints the largest
difference of each tensor that is not identical; exits 1 when a tensor is missing, differs in
size, or is further apart than allowed.
"""
import array
import json
import struct
import sys


def tensors(path):
    data = open(path, "rb").read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    body = data[8 + length:]
    return {name: (spec["dtype"], body[spec["data_offsets"][0]:spec["data_offsets"][1]])
            for name, spec in header.items() if name != "__metadata__"}


def floats(raw):
    values = array.array("f")
    values.frombytes(raw)
    return values


def main(argv):
    if len(argv) not in (3, 5):
        sys.exit(__doc__)
    a, b = tensors(argv[1]), tensors(argv[2])
    pattern, tolerance = (argv[3], float(argv[4])) if len(argv) == 5 else (None, 0.0)
    ok = True
    if sorted(a) != sorted(b):
        print(f"tensor names differ: {sorted(set(a) ^ set(b))}")
        ok = False
    for name in sorted(set(a) & set(b)):
        (dtype_a, raw_a), (dtype_b, raw_b) = a[name], b[name]
        if dtype_a != dtype_b or len(raw_a) != len(raw_b):
            print(f"{name}: {dtype_a} of {len(raw_a)} bytes against {dtype_b} of {len(raw_b)}")
            ok = False
        elif raw_a != raw_b:
            close = pattern is not None and pattern in name and dtype_a == "F32"
            x, y = (floats(raw_a), floats(raw_b)) if dtype_a == "F32" else (raw_a, raw_b)
            worst = max(abs(p - q) for p, q in zip(x, y))
            scale = max(abs(p) for p in x) or 1.0
            allowed = close and worst <= tolerance * scale
            print(f"{name}: largest difference {worst:.3g} of largest magnitude {scale:.3g}"
                  f" ({'within' if allowed else 'beyond'} {tolerance if close else 0:g} relative)")
            ok = ok and allowed
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main(sys.argv)
