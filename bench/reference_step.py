#!/usr/bin/python3
"""Times PyTorch's own airbench94 training step on the CPU, for comparison with the C++ engine.

Not airbench's code: a compact re-statement of the same network (RECIPES.md §1.3) and step
(forward, label-smoothed summed cross-entropy, backward, Nesterov SGD with two parameter
groups), in fp32 and channels_last as the engine runs on CPU. Prints one JSON line.
Run with Debian's interpreter (/usr/bin/python3, python3-torch), not a pyenv one.
"""
import argparse
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def conv_group(c_in, c_out):
    def bn(c):
        layer = nn.BatchNorm2d(c, momentum=0.4, eps=1e-12)
        layer.weight.requires_grad = False
        return layer
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.MaxPool2d(2), bn(c_out), nn.GELU(),
        nn.Conv2d(c_out, c_out, 3, padding=1, bias=False), bn(c_out), nn.GELU())


class Net(nn.Module):
    def __init__(self, widths):
        super().__init__()
        self.whiten = nn.Conv2d(3, 24, 2)
        self.whiten.weight.requires_grad = False
        self.groups = nn.Sequential(conv_group(24, widths[0]), conv_group(widths[0], widths[1]),
                                    conv_group(widths[1], widths[2]))
        self.head = nn.Linear(widths[2], 10, bias=False)

    def forward(self, x):
        x = self.groups(F.gelu(self.whiten(x)))
        return self.head(F.max_pool2d(x, 3).flatten(1)) / 9


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--width", type=float, default=1.0)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    widths = [max(1, round(w * args.width)) for w in (64, 256, 256)]
    net = Net(widths).to(memory_format=torch.channels_last)
    bn_biases = [m.bias for m in net.modules() if isinstance(m, nn.BatchNorm2d)]
    others = [p for p in net.parameters() if p.requires_grad and all(p is not b for b in bn_biases)]
    kscale = 1024 * (1 + 1 / (1 - 0.85))
    lr, wd = 11.5 / kscale, 0.0153 * args.batch_size / kscale
    opt = torch.optim.SGD([dict(params=bn_biases, lr=lr * 64, weight_decay=wd / (lr * 64)),
                           dict(params=others, lr=lr, weight_decay=wd / lr)],
                          momentum=0.85, nesterov=True)
    x = torch.randn(args.batch_size, 3, 32, 32).contiguous(memory_format=torch.channels_last)
    y = torch.randint(0, 10, (args.batch_size,))

    def step():
        loss = F.cross_entropy(net(x), y, label_smoothing=0.2, reduction="sum")
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    for _ in range(args.warmup):
        step()
    start = time.perf_counter()
    for _ in range(args.steps):
        step()
    seconds = time.perf_counter() - start
    print(json.dumps({"implementation": "pytorch " + torch.__version__, "batch_size": args.batch_size,
                      "width": args.width, "threads": args.threads, "steps": args.steps,
                      "images_per_second": args.steps * args.batch_size / seconds}))


if __name__ == "__main__":
    main()
