"""The two LeNet-5 architectures of ctnn (include/ctnn/models/lenet5.hpp) as ctnn's checkpoints
name and shape their tensors, with the fingerprint ctnn's loader checks, and a PyTorch module of
each for tests and users. Shared by scripts/import_torch.py and scripts/export_torch.py."""

import json
import struct

FINGERPRINTS = {
    "classic": "Input(1, 28, 28) -> Pad<2> -> Conv<6, 5x5> -> Tanh -> AvgPool<2x2> -> Conv<16, 5x5> -> Tanh"
    " -> AvgPool<2x2> -> Conv<120, 5x5> -> Tanh -> Flatten -> Dense<84> -> Tanh -> Dense<10>",
    "relu": "Input(1, 28, 28) -> Pad<2> -> Conv<6, 5x5> -> ReLU -> MaxPool<2x2> -> Conv<16, 5x5> -> ReLU"
    " -> MaxPool<2x2> -> Conv<120, 5x5> -> ReLU -> Flatten -> Dense<84> -> ReLU -> Dense<10>",
}

# ctnn's tensor names and shapes in its parameter order (the same for both architectures).
TENSORS = [
    ("conv1.weight", (6, 1, 5, 5)), ("conv1.bias", (6,)),
    ("conv2.weight", (16, 6, 5, 5)), ("conv2.bias", (16,)),
    ("conv3.weight", (120, 16, 5, 5)), ("conv3.bias", (120,)),
    ("dense1.weight", (84, 120)), ("dense1.bias", (84,)),
    ("dense2.weight", (10, 84)), ("dense2.bias", (10,)),
]
PARAM_COUNT = 61706


def torch_module(arch):
    """A PyTorch LeNet-5 with ctnn's layout (its own names: import maps by order and shape)."""
    import torch.nn as nn

    act = nn.Tanh if arch == "classic" else nn.ReLU
    pool = nn.AvgPool2d if arch == "classic" else nn.MaxPool2d
    return nn.Sequential(
        nn.ZeroPad2d(2), nn.Conv2d(1, 6, 5), act(), pool(2), nn.Conv2d(6, 16, 5), act(), pool(2),
        nn.Conv2d(16, 120, 5), act(), nn.Flatten(), nn.Linear(120, 84), act(), nn.Linear(84, 10))


def write_safetensors(path, tensors, metadata):
    """tensors: list of (name, float32 numpy-compatible array); little-endian F32."""
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name, array in tensors:
        data = array.astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(array.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def read_safetensors(path):
    """Returns ({name: numpy float32 array}, metadata) of an F32/F64 safetensors file."""
    import numpy as np

    with open(path, "rb") as f:
        raw = f.read()
    (length,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + length])
    metadata = header.pop("__metadata__", {})
    base, tensors = 8 + length, {}
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        dtype = {"F32": "<f4", "F64": "<f8", "U64": "<u8"}.get(entry["dtype"])
        if dtype is None:
            raise SystemExit(f"{path}: tensor {name} has dtype {entry['dtype']}, not F32/F64/U64")
        tensors[name] = np.frombuffer(raw[base + begin:base + end], dtype=dtype).reshape(entry["shape"])
    return tensors, metadata
