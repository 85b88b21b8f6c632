#!/usr/bin/env python3
"""The PyTorch examples' MNIST recipe (pytorch/examples mnist/main.py) on the same IDX files as
examples/torch_mnist: Net (Conv 32 3x3, Conv 64 3x3, MaxPool 2, Dropout 0.25, Dense 128, Dropout 0.5,
Dense 10, log_softmax + nll_loss), Adadelta lr 1.0, StepLR gamma 0.7, batch 64, test batch 1000,
Normalize((0.1307,), (0.3081,)). Prints the test accuracy and the seconds of each epoch.

Usage: /usr/bin/python3 bench/compare/torch_mnist.py [--epochs 3] [--threads 2] [--data data/mnist]
Needs Debian's python3-torch and python3-numpy.
"""
import argparse
import os
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before torch loads OpenBLAS

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1)
        self.conv2 = nn.Conv2d(32, 64, 3, 1)
        self.dropout1 = nn.Dropout(0.25)
        self.dropout2 = nn.Dropout(0.5)
        self.fc1 = nn.Linear(9216, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = F.relu(self.conv2(F.relu(self.conv1(x))))
        x = self.dropout1(F.max_pool2d(x, 2))
        x = self.dropout2(F.relu(self.fc1(torch.flatten(x, 1))))
        return F.log_softmax(self.fc2(x), dim=1)


def load(data_dir, prefix):
    images = np.fromfile(os.path.join(data_dir, f"{prefix}-images-idx3-ubyte"), dtype=np.uint8)[16:]
    labels = np.fromfile(os.path.join(data_dir, f"{prefix}-labels-idx1-ubyte"), dtype=np.uint8)[8:]
    x = torch.from_numpy((images.reshape(-1, 1, 28, 28).astype(np.float32) / 255 - 0.1307) / 0.3081)
    return x, torch.from_numpy(labels.astype(np.int64))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", default="data/mnist")
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    train_x, train_y = load(args.data, "train")
    test_x, test_y = load(args.data, "t10k")
    model = Net()
    assert sum(p.numel() for p in model.parameters()) == 1_199_882
    optimizer = torch.optim.Adadelta(model.parameters(), lr=1.0)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.7)
    for epoch in range(1, args.epochs + 1):
        model.train()
        start = time.perf_counter()
        order = torch.randperm(len(train_x))
        for i in range(0, len(train_x), 64):
            batch = order[i:i + 64]
            optimizer.zero_grad()
            F.nll_loss(model(train_x[batch]), train_y[batch]).backward()
            optimizer.step()
        seconds = time.perf_counter() - start
        model.eval()
        correct = 0
        with torch.no_grad():
            for i in range(0, len(test_x), 1000):
                correct += (model(test_x[i:i + 1000]).argmax(1) == test_y[i:i + 1000]).sum().item()
        print(f"epoch {epoch}  lr {scheduler.get_last_lr()[0]:.4f}  test accuracy "
              f"{100 * correct / len(test_x):.2f}%  {seconds:.1f} s", flush=True)
        scheduler.step()


if __name__ == "__main__":
    main()
