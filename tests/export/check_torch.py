#!/usr/bin/env python3
"""PyTorch in and out (CTest export.torch_roundtrip): a PyTorch LeNet-5 written as a custom
module with its own names is saved, imported with scripts/import_torch.py, scored by ctnn
(ctnn_export_tool score) on 1,000 MNIST test images and compared with PyTorch's logits; then the
ctnn-trained checkpoint of ctnn_export_tool is exported with scripts/export_torch.py, loaded into
PyTorch and compared with the library's logits. Tolerance 1e-4 (relative to max(1, |logit|)).
Usage: check_torch.py TOOL ROOT OUT_DIR   (OUT_DIR holds ctnn_export_tool's files)"""
import os
import subprocess
import sys

import numpy as np
import torch
import torch.nn as nn

tool, root, out = sys.argv[1:4]
N = 1000
pixels = np.fromfile(os.path.join(out, "test_pixels.u8"), dtype=np.uint8)[:N * 784]
x = torch.from_numpy((pixels.astype(np.float32) / 255.0).reshape(N, 1, 28, 28))


class TorchLeNet(nn.Module):  # other names than ctnn's, and than nn.Sequential's
    def __init__(self):
        super().__init__()
        self.features_a, self.features_b = nn.Conv2d(1, 6, 5), nn.Conv2d(6, 16, 5)
        self.features_c, self.head_a, self.head_b = nn.Conv2d(16, 120, 5), nn.Linear(120, 84), nn.Linear(84, 10)

    def forward(self, x):
        x = nn.functional.pad(x, (2, 2, 2, 2))
        x = nn.functional.max_pool2d(torch.relu(self.features_a(x)), 2)
        x = nn.functional.max_pool2d(torch.relu(self.features_b(x)), 2)
        x = torch.relu(self.features_c(x)).flatten(1)
        return self.head_b(torch.relu(self.head_a(x)))


def worst(a, b):
    return float(np.max(np.abs(a - b) / np.maximum(1.0, np.abs(b))))


torch.manual_seed(3)
net = TorchLeNet().eval()
with torch.no_grad():
    torch_logits = net(x).numpy()
torch.save(net.state_dict(), os.path.join(out, "torch_lenet5.pt"))
imported = os.path.join(out, "imported.safetensors")
subprocess.run([sys.executable, os.path.join(root, "scripts/import_torch.py"), "--arch", "relu",
                os.path.join(out, "torch_lenet5.pt"), imported], check=True)
scored = os.path.join(out, "imported_logits.f32")
subprocess.run([tool, "score", "relu", imported, os.path.join(out, "test_pixels.u8"), str(N), scored], check=True)
ctnn_logits = np.fromfile(scored, dtype=np.float32).reshape(N, 10)
error_in = worst(ctnn_logits, torch_logits)
agree_in = int((ctnn_logits.argmax(1) == torch_logits.argmax(1)).sum())

exported = os.path.join(out, "exported.pt")
subprocess.run([sys.executable, os.path.join(root, "scripts/export_torch.py"), "--arch", "relu",
                os.path.join(out, "lenet5.safetensors"), exported], check=True)
sys.path.insert(0, os.path.join(root, "scripts/torch"))
import ctnn_lenet5  # noqa: E402

back = ctnn_lenet5.torch_module("relu").eval()
back.load_state_dict(torch.load(exported))
with torch.no_grad():
    back_logits = back(x).numpy()
library_logits = np.fromfile(os.path.join(out, "test_logits.f32"), dtype=np.float32)[:N * 10].reshape(N, 10)
error_out = worst(back_logits, library_logits)
agree_out = int((back_logits.argmax(1) == library_logits.argmax(1)).sum())
print(f"import: ctnn on PyTorch's weights, worst logit error {error_in:.3g}, {agree_in}/{N} digits agree; "
      f"export: PyTorch on ctnn's weights, worst logit error {error_out:.3g}, {agree_out}/{N} digits agree")
sys.exit(0 if max(error_in, error_out) <= 1e-4 and agree_in == N and agree_out == N else 1)
