# tests/bn_torch.py FILE - called by tests/test_bn.c: recomputes the random
# networks it wrote (input, gap, fc, batch norm, relu, softmax cross-entropy)
# with PyTorch in float64 and compares diffprune's float32 gradients and
# running statistics with them, next to PyTorch's own float32 (the float32
# rounding of the nearly constant values before a batch norm is magnified by
# it, in any float32 implementation). Pass: within 1e-4 relative or within
# 10 times PyTorch float32's own error, on every network. Exit status: 0
# pass, 1 fail, 77 no torch.
import sys
try:
    import torch
except ImportError:
    sys.exit(77)

def vec(line, tag):
    f = line.split()
    assert f[0] == tag, (f[0], tag)
    n = int(f[1])
    return torch.tensor([float(v) for v in f[2:2 + n]], dtype=torch.float64)

def rel(a, ref, floor):
    m = max(float(ref.abs().max()) if ref.numel() else 0.0, floor)
    return float((a - ref).abs().max()) / m if ref.numel() else 0.0

def run(net, dtype):
    N, h, w, c, K, ops, P, x, y = net["N"], net["h"], net["w"], net["c"], net["K"], net["ops"], net["P"], net["x"], net["y"]
    x = x.to(dtype).reshape(N, h, w, c).clone().requires_grad_(True)
    params, stats, v = [], [], x
    for k, op in enumerate(ops):
        if op == "G":
            v = v.mean(dim=(1, 2))
        elif op == "F":
            W = P[k]["W"]; b = P[k]["b"]
            W = W.reshape(b.numel(), -1).to(dtype).clone().requires_grad_(True)
            b = b.to(dtype).clone().requires_grad_(True)
            params.append((k, W, b))
            v = v.reshape(N, -1) @ W.t() + b
        elif op == "B":
            g = P[k]["W"].to(dtype).clone().requires_grad_(True)
            b = P[k]["b"].to(dtype).clone().requires_grad_(True)
            rm, rv = P[k]["rm"].to(dtype).clone(), P[k]["rv"].to(dtype).clone()
            params.append((k, g, b))
            v = torch.nn.functional.batch_norm(v, rm, rv, g, b, training=True, momentum=0.1, eps=1e-5)
            stats.append((k, rm, rv))
        elif op == "R":
            v = torch.relu(v)
    loss = torch.nn.functional.cross_entropy(v, y)
    loss.backward()
    return params, stats, x.grad.reshape(-1)

nets, cur = [], None
with open(sys.argv[1]) as fh:
    lines = fh.read().splitlines()
i = 0
while i < len(lines):
    f = lines[i].split()
    seed, N, h, w, c, K, nop, ops = int(f[1]), int(f[2]), int(f[3]), int(f[4]), int(f[5]), int(f[6]), int(f[7]), f[8]
    i += 1
    P = {}
    for k, op in enumerate(ops):
        if op not in "FB":
            continue
        d = {}
        for tag in ["W", "b"] + (["rm", "rv", "rm1", "rv1"] if op == "B" else []) + ["gW", "gb"]:
            d[tag] = vec(lines[i], tag); i += 1
        P[k] = d
    x = vec(lines[i], "x"); y = vec(lines[i + 1], "y").long(); dx = vec(lines[i + 2], "dx"); i += 3
    nets.append(dict(seed=seed, N=N, h=h, w=w, c=c, K=K, ops=ops, P=P, x=x, y=y, dx=dx))

worst_ours = worst_t32 = 0.0
bad = 0
ratios = []
for net in nets:
    p64, s64, dx64 = run(net, torch.float64)
    p32, s32, dx32 = run(net, torch.float32)
    gmax = max(max(float(W.grad.abs().max()), float(b.grad.abs().max())) for _, W, b in p64)
    eo = rel(net["dx"], dx64, 0.0)
    e3 = rel(dx32.double(), dx64, 0.0)
    for (k, W, b), (_, W3, b3) in zip(p64, p32):
        # an fc feeding a batch norm has bias gradient 0 exactly: rounding only, against the largest gradient
        fb = (1.0 if k + 1 < len(net["ops"]) and net["ops"][k + 1] == "B" else 1e-3) * gmax
        eo = max(eo, rel(net["P"][k]["gW"], W.grad.reshape(-1), 1e-3 * gmax), rel(net["P"][k]["gb"], b.grad, fb))
        e3 = max(e3, rel(W3.grad.double().reshape(-1), W.grad.reshape(-1), 1e-3 * gmax), rel(b3.grad.double(), b.grad, fb))
    for (k, rm, rv) in s64:
        eo = max(eo, rel(net["P"][k]["rm1"], rm, 0.0), rel(net["P"][k]["rv1"], rv, 0.0))
    worst_ours = max(worst_ours, eo); worst_t32 = max(worst_t32, e3)
    ratios.append(eo / max(e3, 1e-12))
    if eo > 1e-4 and eo > 10 * e3:
        bad += 1
        print("  net %d: diffprune rel err %.2e (torch float32 %.2e)" % (net["seed"], eo, e3))
ratios.sort()
print("PyTorch float64, %d random networks: worst rel err diffprune %.2e, torch float32 %.2e; "
      "diffprune/torch32 per network: median %.2f, max %.2f; %d over both 1e-4 and 10x torch32"
      % (len(nets), worst_ours, worst_t32, ratios[len(ratios) // 2], ratios[-1], bad))
sys.exit(1 if bad else 0)
