#!/usr/bin/env python3
"""import_torch.py --arch classic|relu IN.pt OUT.safetensors

Turns a PyTorch LeNet-5's weights into a ctnn checkpoint that `lenet5 --resume OUT --eval-only`
(and io::load_checkpoint) loads. IN.pt is a state_dict (or a whole module) saved by torch.save;
its tensors are mapped by order and shape, not by name, so any module class works: the first
tensor of shape (6, 1, 5, 5) becomes conv1.weight, and so on. Buffers (BatchNorm statistics,
num_batches_tracked) are skipped; a state_dict that does not hold exactly LeNet-5's 10 parameter
tensors in order is refused, naming the first mismatch. Needs Debian's python3-torch.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch"))
import ctnn_lenet5  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[2])
    parser.add_argument("--arch", choices=sorted(ctnn_lenet5.FINGERPRINTS), required=True)
    parser.add_argument("input", help="PyTorch state_dict or module (.pt)")
    parser.add_argument("output", help="ctnn checkpoint to write (.safetensors)")
    args = parser.parse_args()
    import torch

    loaded = torch.load(args.input, map_location="cpu")
    state = loaded.state_dict() if hasattr(loaded, "state_dict") else loaded
    if not isinstance(state, dict):
        sys.exit(f"import_torch: {args.input}: not a state_dict or module")
    params = [(k, v) for k, v in state.items()
              if torch.is_tensor(v) and v.is_floating_point() and "running_" not in k]
    if len(params) != len(ctnn_lenet5.TENSORS):
        sys.exit(f"import_torch: {args.input}: {len(params)} floating-point tensors, LeNet-5 has "
                 f"{len(ctnn_lenet5.TENSORS)} ({', '.join(n for n, _ in ctnn_lenet5.TENSORS)})")
    tensors = []
    for (name, shape), (torch_name, value) in zip(ctnn_lenet5.TENSORS, params):
        if tuple(value.shape) != shape:
            sys.exit(f"import_torch: {args.input}: tensor '{torch_name}' has shape {tuple(value.shape)}, "
                     f"but ctnn's {name} is {shape}")
        tensors.append((name, value.detach().to(torch.float32).numpy()))
    metadata = {"format": "ctnn-checkpoint-1", "architecture": ctnn_lenet5.FINGERPRINTS[args.arch],
                "param_count": str(ctnn_lenet5.PARAM_COUNT), "epoch": "0", "step": "0",
                "imported_from": os.path.basename(args.input)}
    ctnn_lenet5.write_safetensors(args.output, tensors, metadata)
    print(f"import_torch: wrote {args.output} ({args.arch} LeNet-5, {ctnn_lenet5.PARAM_COUNT} parameters)")


if __name__ == "__main__":
    main()
