#!/usr/bin/env python3
"""PyTorch reference for the GAN quality targets.

Trains the DCGAN or the MLP-BN GAN of ctnn (models/dcgan.hpp, models/gan.hpp: the same layers,
sizes and BatchNorm momentum/eps) with the recipe of `gan train`: the non-saturating BCE game on
logits, D's real target --label-real, fresh latents for the D step and for the G step, Adam for
both, shuffled batches with the last short one dropped, pixels in [-1, 1], and for the DCGAN
N(0, 0.02) weights with zero biases (`--init dcgan`). It writes G as a ctnn generator checkpoint
(the tensor names and the metadata of a checkpoint `gan train` wrote for the same --arch, given
as --template), so `gan eval` scores both with the same classifier and the same latents:

  /usr/bin/python3 bench/compare/gan_parity.py --arch dcgan --batch 32 --epochs 10 \
      --template runs/gan-dcgan/generator.safetensors --out runs/torch-dcgan/generator.safetensors
  ./build/examples/gan eval --generator runs/torch-dcgan/generator.safetensors \
      --classifier runs/lenet5/model.safetensors

`--arch dcgan-sn --loss wgan-gp` is the recipe of `gan train --arch dcgan-sn --loss wgan-gp`
(Gulrajani et al. 2017): the DCGAN G against the critic of models/dcgan.hpp's DcganDiscriminatorSn
(torch.nn.utils.spectral_norm on every Conv2d and Linear, no BatchNorm), the critic loss
D(G(z)) - D(x) + lambda (|grad_x D(x_hat)|_2 - 1)^2 on per-sample interpolates x_hat (lambda 10,
the penalty through torch.autograd.grad(create_graph=True)), G's loss -D(G(z)), 5 critic steps per G
step (each batch of the epoch is a critic step; every 5th also a G step on fresh latents), Adam
lr 1e-4 and betas (0, 0.9) for both unless given. `--loss hinge` is the hinge game of `--loss
hinge` (D: relu(1 - D(x)) + relu(1 + D(G(z))), G: -D(G(z))), one D step per G step:

  /usr/bin/python3 bench/compare/gan_parity.py --arch dcgan-sn --loss wgan-gp --batch 32 --epochs 20 \
      --template runs/gan-sn-wgan-gp/generator.safetensors --out runs/torch-wgan-gp/generator.safetensors

Needs Debian's PyTorch: apt-get install python3-torch python3-numpy; run with /usr/bin/python3.
"""
import argparse
import json
import os
import struct
import time

import numpy as np
import torch
import torch.nn as nn

from pytorch_bench import dcgan, mlp_gan  # the same networks the benchmarks time (latent 100)


def read_idx(path, offset):
    return np.fromfile(path, dtype=np.uint8)[offset:]


def dcgan_init(module):
    if isinstance(module, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
        nn.init.normal_(module.weight, 0.0, 0.02)
        nn.init.zeros_(module.bias)


# ctnn's tensor names: the layer kind and its 1-based index among layers of that kind.
KINDS = {nn.Linear: "dense", nn.Conv2d: "conv", nn.ConvTranspose2d: "convtranspose",
         nn.BatchNorm1d: "batchnorm", nn.BatchNorm2d: "batchnorm"}
FIELDS = ["weight", "bias", "running_mean", "running_var"]


def ctnn_tensors(model):
    tensors, seen = {}, {}
    for module in model:
        kind = KINDS.get(type(module))
        if kind is None:
            continue
        seen[kind] = seen.get(kind, 0) + 1
        for field in FIELDS:
            value = getattr(module, field, None)
            if isinstance(value, torch.Tensor):
                tensors[f"{kind}{seen[kind]}.{field}"] = value.detach().float().contiguous().numpy()
    return tensors


def read_safetensors_header(path):
    with open(path, "rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        return json.loads(f.read(length))


def write_ctnn_checkpoint(path, tensors, template, epochs, steps):
    header = read_safetensors_header(template)
    metadata = {k: v for k, v in header["__metadata__"].items() if not k.startswith("optimizer")}
    metadata.update({"epoch": str(epochs), "step": str(steps), "trained_by": f"PyTorch {torch.__version__}"})
    names = [n for n in header if n != "__metadata__" and not n.startswith("optimizer.")]
    missing = set(names) ^ set(tensors)
    if missing:
        raise SystemExit(f"{template}: tensor names differ from the PyTorch model's: {sorted(missing)}")
    entries, blobs, offset = {"__metadata__": metadata}, [], 0
    for name in names:
        data = tensors[name].astype("<f4").tobytes()
        if list(tensors[name].shape) != header[name]["shape"]:
            raise SystemExit(f"{name}: shape {list(tensors[name].shape)} but the template has {header[name]['shape']}")
        entries[name] = {"dtype": "F32", "shape": header[name]["shape"], "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(entries).encode()
    text += b" " * (-len(text) % 8)
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def spectral_norm_critic():
    """DcganDiscriminatorSn: the DCGAN D with spectral norm on every Conv2d and Linear, no BatchNorm
    (N(0, 0.02) weights, zero biases, as `--init dcgan`, before the normalization wraps them)."""
    layers = [nn.Conv2d(1, 64, 4, 2, 1), nn.LeakyReLU(0.2), nn.Conv2d(64, 128, 4, 2, 1), nn.LeakyReLU(0.2),
              nn.Flatten(), nn.Linear(128 * 7 * 7, 1)]
    for layer in layers:
        dcgan_init(layer)
    return nn.Sequential(*[nn.utils.spectral_norm(layer) if isinstance(layer, (nn.Conv2d, nn.Linear)) else layer
                           for layer in layers])


def gradient_penalty(d, real, fake):
    """The mean over the batch of (|grad_x D(x_hat)|_2 - 1)^2, x_hat = eps x + (1 - eps) G(z), eps ~ U(0, 1)."""
    eps = torch.rand(real.shape[0], 1, 1, 1)
    x_hat = (eps * real + (1 - eps) * fake).requires_grad_(True)
    (grad,) = torch.autograd.grad(d(x_hat).sum(), x_hat, create_graph=True)
    return ((grad.flatten(1).norm(dim=1) - 1) ** 2).mean()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--arch", choices=["dcgan", "dcgan-sn", "mlp-bn"], default="dcgan")
    parser.add_argument("--loss", choices=["bce", "hinge", "wgan-gp"], default="bce",
                        help="the game (hinge and wgan-gp need the BatchNorm-free critic of --arch dcgan-sn)")
    parser.add_argument("--d-steps", type=int, default=None, help="critic steps per G step (wgan-gp: 5, else 1)")
    parser.add_argument("--gp-lambda", type=float, default=10.0)
    parser.add_argument("--data", default="data/mnist")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--lr-g", type=float, default=None, help="default 2e-4 (wgan-gp: 1e-4)")
    parser.add_argument("--lr-d", type=float, default=None, help="default 2e-4 (wgan-gp: 1e-4)")
    parser.add_argument("--beta1", type=float, default=None, help="default 0.5 (wgan-gp: 0)")
    parser.add_argument("--beta2", type=float, default=None, help="default 0.999 (wgan-gp: 0.9)")
    parser.add_argument("--label-real", type=float, default=0.9)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--train-limit", type=int, default=0, help="train on the first N digits only (0: all)")
    parser.add_argument("--template", required=True, help="a generator.safetensors of `gan train --arch ARCH`")
    parser.add_argument("--out", required=True, help="the ctnn generator checkpoint to write")
    args = parser.parse_args()
    wgan = args.loss == "wgan-gp"
    if args.loss != "bce" and args.arch != "dcgan-sn":
        parser.error(f"--loss {args.loss} needs --arch dcgan-sn (a critic without BatchNorm)")
    for name, default, recipe in [("lr_g", 2e-4, 1e-4), ("lr_d", 2e-4, 1e-4), ("beta1", 0.5, 0.0),
                                  ("beta2", 0.999, 0.9), ("d_steps", 1, 5)]:
        if getattr(args, name) is None:
            setattr(args, name, recipe if wgan else default)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)

    images = read_idx(f"{args.data}/train-images-idx3-ubyte", 16).reshape(-1, 1, 28, 28)
    if args.train_limit:
        images = images[:args.train_limit]
    x = torch.from_numpy(images.astype(np.float32) / 127.5 - 1.0)
    g, d = mlp_gan() if args.arch == "mlp-bn" else dcgan()
    latent = g[0].in_features
    if args.arch != "mlp-bn":
        g.apply(dcgan_init)
        d.apply(dcgan_init)
    if args.arch == "dcgan-sn":
        d = spectral_norm_critic()
    opt_g = torch.optim.Adam(g.parameters(), lr=args.lr_g, betas=(args.beta1, args.beta2))
    opt_d = torch.optim.Adam(d.parameters(), lr=args.lr_d, betas=(args.beta1, args.beta2))
    bce = nn.BCEWithLogitsLoss()
    n = args.batch
    real_target = torch.full((n, 1), args.label_real)
    fake_target, gen_target = torch.zeros(n, 1), torch.ones(n, 1)

    def d_loss_of(real, fake):
        out_real, out_fake = d(real), d(fake)
        if args.loss == "bce":
            loss = bce(out_real, real_target) + bce(out_fake, fake_target)
        elif args.loss == "hinge":
            loss = torch.relu(1 - out_real).mean() + torch.relu(1 + out_fake).mean()
        else:
            loss = out_fake.mean() - out_real.mean() + args.gp_lambda * gradient_penalty(d, real, fake)
        # D(x) and D(G(z)) as `gan train` prints them: probabilities for bce, raw critic values else
        show = torch.sigmoid if args.loss == "bce" else (lambda v: v)
        return loss, show(out_real).mean().item(), show(out_fake).mean().item()

    def g_loss_of(out):
        return bce(out, gen_target) if args.loss == "bce" else -out.mean()

    steps = d_count = 0
    for epoch in range(args.epochs):
        start = time.perf_counter()
        order = torch.randperm(len(x))
        sums = np.zeros(4)
        g_steps = 0
        batches = len(x) // n
        for i in range(batches):
            real = x[order[i * n:(i + 1) * n]]
            fake = g(torch.randn(n, latent)).detach()
            opt_d.zero_grad()
            d_loss, d_real, d_fake = d_loss_of(real, fake)
            d_loss.backward()
            opt_d.step()
            d_count += 1
            sums[[0, 2, 3]] += [d_loss.item(), d_real, d_fake]
            if d_count % args.d_steps:
                continue
            opt_g.zero_grad()
            g_loss = g_loss_of(d(g(torch.randn(n, latent))))
            g_loss.backward()
            opt_g.step()
            steps += 1
            g_steps += 1
            sums[1] += g_loss.item()
        m = sums / batches
        m[1] = sums[1] / max(g_steps, 1)
        print(f"epoch {epoch + 1:2d}  D loss {m[0]:.4f}  G loss {m[1]:.4f}  D(x) {m[2]:.3f}  D(G(z)) {m[3]:.3f}  "
              f"{time.perf_counter() - start:.1f} s", flush=True)
        write_ctnn_checkpoint(args.out, ctnn_tensors(g), args.template, epoch + 1, steps)


if __name__ == "__main__":
    main()
