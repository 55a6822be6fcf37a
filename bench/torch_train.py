#!/usr/bin/python3
"""wip/bench/torch_train.py -- PyTorch (CPU) training-step throughput baseline.

Usage: torch_train.py --threads T [--batch 64] [--steps N] [--seconds S] [nets...]
       nets: cnn28 dscnn mbv2 (default: all three)

For each reference network it times one training step -- forward,
cross-entropy loss, backward, SGD(momentum 0.9, weight decay 5e-4) step --
on random data, after warm-up, and reports the median images/s.  Both the
default (contiguous NCHW) and channels_last memory formats are timed; the
faster one is reported.  Output, one line each:
    torch <net> params=<n> macs=<n>
    torch <net> img_s=<x> format=<fmt> (other formats ...)
params = trainable parameters (conv/FC weights, FC bias, BN gamma+beta; the
convs have no bias).  macs = multiply-accumulates of one forward pass of one
image, convolutions and the FC layer only (BN, ReLU, pooling, adds excluded),
counted by hand from the layer shapes below and cross-checked against the
shapes torch actually produces.  Exit 3 when torch cannot be imported.
"""
import argparse
import statistics
import sys
import time

NETS = ("cnn28", "dscnn", "mbv2")
INPUT_SHAPE = {"cnn28": (1, 28, 28), "dscnn": (1, 49, 10), "mbv2": (3, 32, 32)}  # C, H, W
NUM_CLASSES = {"cnn28": 10, "dscnn": 12, "mbv2": 10}
MBV2_STAGES = ((1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 2, 2), (6, 64, 2, 2), (6, 96, 1, 1))


# --------------------------------------------------------------------------
# Hand counts (pure Python, no torch): walk the architecture description.
# --------------------------------------------------------------------------
def conv_out(size, k, stride, pad):
    return (size + 2 * pad - k) // stride + 1


class Counter:
    """Accumulates params and MACs while tracking the activation shape."""

    def __init__(self, c, h, w):
        self.c, self.h, self.w = c, h, w
        self.params = 0
        self.macs = 0

    def conv(self, cout, k, stride=1, groups=1):
        pad = k // 2
        self.h, self.w = conv_out(self.h, k, stride, pad), conv_out(self.w, k, stride, pad)
        cin_g = self.c // groups
        self.params += cout * cin_g * k * k + 2 * cout  # weights (no bias) + BN gamma, beta
        self.macs += self.h * self.w * cout * cin_g * k * k
        self.c = cout

    def pool2(self):
        self.h, self.w = self.h // 2, self.w // 2

    def fc(self, n):
        self.params += self.c * n + n
        self.macs += self.c * n
        self.c = n


def hand_count(net):
    c, h, w = INPUT_SHAPE[net]
    k = Counter(c, h, w)
    if net == "cnn28":
        for i, ch in enumerate((32, 32, 64, 64, 128)):
            k.conv(ch, 3)
            if i in (1, 3):
                k.pool2()
    elif net == "dscnn":
        k.conv(64, 3, stride=2)
        for _ in range(4):
            k.conv(64, 3, groups=64)
            k.conv(64, 1)
    elif net == "mbv2":
        k.conv(16, 3)
        for t, ch, n, s in MBV2_STAGES:
            for i in range(n):
                if t != 1:
                    k.conv(k.c * t, 1)
                k.conv(k.c, 3, stride=s if i == 0 else 1, groups=k.c)
                k.conv(ch, 1)
        k.conv(320, 1)
    k.fc(NUM_CLASSES[net])
    return k.params, k.macs


# --------------------------------------------------------------------------
# Torch models.
# --------------------------------------------------------------------------
def build(net, nn):
    def cbr(cin, cout, k, stride=1, groups=1, act="relu"):
        layers = [nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False),
                  nn.BatchNorm2d(cout)]
        if act == "relu":
            layers.append(nn.ReLU(inplace=True))
        elif act == "relu6":
            layers.append(nn.ReLU6(inplace=True))
        return layers

    class InvertedResidual(nn.Module):
        def __init__(self, cin, cout, t, stride):
            super().__init__()
            hid = cin * t
            layers = cbr(cin, hid, 1, act="relu6") if t != 1 else []
            layers += cbr(hid, hid, 3, stride, groups=hid, act="relu6")
            layers += cbr(hid, cout, 1, act=None)
            self.body = nn.Sequential(*layers)
            self.residual = stride == 1 and cin == cout

        def forward(self, x):
            y = self.body(x)
            return x + y if self.residual else y

    head = [nn.AdaptiveAvgPool2d(1), nn.Flatten()]
    if net == "cnn28":
        layers = (cbr(1, 32, 3) + cbr(32, 32, 3) + [nn.MaxPool2d(2)]
                  + cbr(32, 64, 3) + cbr(64, 64, 3) + [nn.MaxPool2d(2)]
                  + cbr(64, 128, 3) + head + [nn.Linear(128, 10)])
    elif net == "dscnn":
        layers = cbr(1, 64, 3, stride=2)
        for _ in range(4):
            layers += cbr(64, 64, 3, groups=64) + cbr(64, 64, 1)
        layers += head + [nn.Linear(64, 12)]
    elif net == "mbv2":
        layers = cbr(3, 16, 3, act="relu6")
        cin = 16
        for t, ch, n, s in MBV2_STAGES:
            for i in range(n):
                layers.append(InvertedResidual(cin, ch, t, s if i == 0 else 1))
                cin = ch
        layers += cbr(cin, 320, 1, act="relu6") + head + [nn.Linear(320, 10)]
    else:
        raise ValueError(net)
    return nn.Sequential(*layers)


def torch_count(model, net, torch, nn):
    """Params from torch, MACs from the output shapes torch produces."""
    macs = [0]

    def hook(mod, inp, out):
        if isinstance(mod, nn.Conv2d):
            kh, kw = mod.kernel_size
            macs[0] += out.shape[2] * out.shape[3] * mod.out_channels * \
                (mod.in_channels // mod.groups) * kh * kw
        elif isinstance(mod, nn.Linear):
            macs[0] += mod.in_features * mod.out_features

    handles = [m.register_forward_hook(hook) for m in model.modules()
               if isinstance(m, (nn.Conv2d, nn.Linear))]
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, *INPUT_SHAPE[net]))
    for h in handles:
        h.remove()
    model.train()
    return sum(p.numel() for p in model.parameters() if p.requires_grad), macs[0]


# --------------------------------------------------------------------------
# Timing.
# --------------------------------------------------------------------------
def time_format(torch, base_model, net, batch, channels_last, steps, seconds):
    import copy
    model = copy.deepcopy(base_model)
    fmt = torch.channels_last if channels_last else torch.contiguous_format
    model = model.to(memory_format=fmt)
    model.train()
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
    loss_fn = torch.nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(1)
    x = torch.randn(batch, *INPUT_SHAPE[net], generator=gen).contiguous(memory_format=fmt)
    y = torch.randint(0, NUM_CLASSES[net], (batch,), generator=gen)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss

    # warm-up: at least 3 steps and ~15% of the budget (allocator, oneDNN caches)
    t_end = time.perf_counter() + 0.15 * seconds
    n = 0
    while n < 3 or (steps is None and time.perf_counter() < t_end):
        step()
        n += 1
    times = []
    t_end = time.perf_counter() + 0.85 * seconds
    while True:
        t0 = time.perf_counter()
        loss = step()
        times.append(time.perf_counter() - t0)
        if steps is not None:
            if len(times) >= steps:
                break
        elif len(times) >= 5 and time.perf_counter() >= t_end:
            break
    if not torch.isfinite(loss):
        raise RuntimeError("loss is not finite")
    return batch / statistics.median(times), len(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--steps", type=int, default=None,
                    help="measured steps per memory format (default: time budget)")
    ap.add_argument("--seconds", type=float, default=12.0,
                    help="time budget per net, split over the memory formats")
    ap.add_argument("nets", nargs="*", default=list(NETS))
    a = ap.parse_args()
    for net in a.nets:
        if net not in NETS:
            ap.error("unknown net %r (choose from %s)" % (net, ", ".join(NETS)))

    try:
        import torch
        import torch.nn as nn
    except Exception as e:  # ImportError, or a broken install
        print("torch unavailable: %s: %s" % (type(e).__name__, e))
        sys.exit(3)

    torch.set_num_threads(a.threads)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass
    torch.manual_seed(0)
    print("# torch %s, %d thread(s), batch %d" % (torch.__version__, torch.get_num_threads(), a.batch))
    sys.stdout.flush()

    for net in a.nets:
        model = build(net, nn)
        params, macs = hand_count(net)
        t_params, t_macs = torch_count(model, net, torch, nn)
        if (params, macs) != (t_params, t_macs):
            print("# WARNING %s: hand count params=%d macs=%d, torch says params=%d macs=%d"
                  % (net, params, macs, t_params, t_macs))
        print("torch %s params=%d macs=%d" % (net, params, macs))
        sys.stdout.flush()
        results = {}
        for name, cl in (("contiguous", False), ("channels_last", True)):
            results[name] = time_format(torch, model, net, a.batch, cl, a.steps, a.seconds / 2)
        best = max(results, key=lambda k: results[k][0])
        others = " ".join("%s=%.1f(%d steps)" % (k, v[0], v[1]) for k, v in results.items())
        print("torch %s img_s=%.1f format=%s threads=%d batch=%d [%s]"
              % (net, results[best][0], best, a.threads, a.batch, others))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
