#!/usr/bin/env python3
"""export_torch.py --arch classic|relu IN.safetensors OUT.pt

The reverse of import_torch.py: a ctnn LeNet-5 checkpoint (parameters only; optimizer state is
left out) as a PyTorch state_dict of scripts/torch/ctnn_lenet5.py's module (nn.Sequential: keys
"1.weight", "1.bias", ...), loadable with model.load_state_dict(torch.load(OUT)). The
checkpoint's architecture fingerprint must be that of --arch. Needs Debian's python3-torch.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch"))
import ctnn_lenet5  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[2])
    parser.add_argument("--arch", choices=sorted(ctnn_lenet5.FINGERPRINTS), required=True)
    parser.add_argument("input", help="ctnn checkpoint (.safetensors)")
    parser.add_argument("output", help="PyTorch state_dict to write (.pt)")
    args = parser.parse_args()
    import torch

    tensors, metadata = ctnn_lenet5.read_safetensors(args.input)
    expected = ctnn_lenet5.FINGERPRINTS[args.arch]
    if metadata.get("architecture") != expected:
        sys.exit(f"export_torch: {args.input}: architecture '{metadata.get('architecture')}', "
                 f"not the {args.arch} LeNet-5 ('{expected}')")
    module = ctnn_lenet5.torch_module(args.arch)
    keys = [k for k in module.state_dict()]
    state = {}
    for key, (name, shape) in zip(keys, ctnn_lenet5.TENSORS):
        if name not in tensors or tuple(tensors[name].shape) != shape:
            sys.exit(f"export_torch: {args.input}: tensor '{name}' of shape {shape} is missing")
        state[key] = torch.from_numpy(tensors[name].astype("float32").copy())
    module.load_state_dict(state)
    torch.save(module.state_dict(), args.output)
    print(f"export_torch: wrote {args.output} ({args.arch} LeNet-5 state_dict)")


if __name__ == "__main__":
    main()
