"""PyTorch CPU reference for `npm run bench` (Debian python3-torch, random weights, same inputs).

Prints one JSON object with the median/min/max milliseconds of each workload.
"""
import argparse, json, os, statistics, time
import torch, torchvision
from PIL import Image

p = argparse.ArgumentParser()
p.add_argument('--quick', action='store_true')
p.add_argument('--images', required=True)
p.add_argument('--n', type=int, default=5)
a = p.parse_args()
torch.set_num_threads(os.cpu_count() or 1)
torch.manual_seed(0)
out = {'torch': torch.__version__, 'threads': torch.get_num_threads()}
MEAN = torch.tensor([0.485, 0.456, 0.406]).view(3, 1, 1)
STD = torch.tensor([0.229, 0.224, 0.225]).view(3, 1, 1)

def stats(ts):
    return {'median': statistics.median(ts), 'min': min(ts), 'max': max(ts), 'n': len(ts)}

def timed(f, n, warm=1):
    for _ in range(warm): f()
    ts = []
    for _ in range(n):
        t = time.perf_counter(); f(); ts.append((time.perf_counter() - t) * 1000)
    return stats(ts)

# The native peak: a large single-precision matmul (MKL/OpenBLAS: AVX2 or AVX-512 FMA), 1 thread and all.
def matmul_peak(threads, n=2048):
    torch.set_num_threads(threads)
    a, b = torch.randn(n, n), torch.randn(n, n)
    for _ in range(2): a @ b
    best = 0.0
    for _ in range(5):
        t = time.perf_counter(); a @ b; best = max(best, 2 * n ** 3 / (time.perf_counter() - t) / 1e9)
    return best
# The BLAS behind torch.matmul may be a slow reference build (Debian's default libblas); convolutions
# go through oneDNN. The native peak is the better of a large sgemm and a large 3×3 convolution.
def conv_peak(threads):
    torch.set_num_threads(threads)
    x, w = torch.randn(1, 256, 56, 56), torch.randn(256, 256, 3, 3)
    flop = 2 * 56 * 56 * 256 * 256 * 9
    with torch.no_grad():
        for _ in range(2): torch.nn.functional.conv2d(x, w, padding=1)
        best = 0.0
        for _ in range(5):
            t = time.perf_counter(); torch.nn.functional.conv2d(x, w, padding=1); best = max(best, flop / (time.perf_counter() - t) / 1e9)
    return best
cores = os.cpu_count() or 1
out['matmul_peak_gflops'] = {'1': matmul_peak(1), str(cores): matmul_peak(cores)}
out['conv_peak_gflops'] = {'1': conv_peak(1), str(cores): conv_peak(cores)}
out['native_peak_gflops'] = {k: max(out['matmul_peak_gflops'][k], out['conv_peak_gflops'][k]) for k in out['matmul_peak_gflops']}
torch.set_num_threads(cores)

vgg = torchvision.models.vgg16().eval()
for q in vgg.parameters(): q.requires_grad_(False)
x0 = torch.randn(1, 3, 224, 224)
def saliency():
    x = x0.clone().requires_grad_(True)
    s = vgg(x)[0, 5]
    s.backward()
    return x.grad.abs().amax(1)
out['vgg16_saliency'] = timed(saliency, 2 if a.quick else a.n)
if not a.quick:
    def smooth():
        xs = (x0 + 0.15 * torch.randn(25, 3, 224, 224)).requires_grad_(True)
        g = torch.autograd.grad(vgg(xs)[:, 5].sum(), xs)[0]
        return g.mean(0).abs().amax(0)
    out['vgg16_smoothgrad25'] = timed(smooth, 1, warm=0)
del vgg

alex = torchvision.models.alexnet().eval()
files = []
for c in sorted(os.listdir(a.images)):
    files += [os.path.join(a.images, c, f) for f in sorted(os.listdir(os.path.join(a.images, c)))]
count = 64 if a.quick else 256
files = files[:count]
def load(f):
    im = Image.open(f).convert('RGB')
    t = torch.from_numpy(__import__('numpy').asarray(im).copy()).permute(2, 0, 1).float() / 255
    return (t - MEAN) / STD
for bs in (32, 64):
    def extract():
        with torch.no_grad():
            for i in range(0, len(files), bs):
                alex.avgpool(alex.features(torch.stack([load(f) for f in files[i:i + bs]])))
    r = timed(extract, 1, warm=0)
    out[f'alexnet_trunk_b{bs}'] = {**r, 'images': len(files), 'images_per_s': len(files) / (r['median'] / 1000)}

# The course workload, the standard student loop: one epoch (trunk recomputed, as every epoch
# would), frozen layers with requires_grad=False, SGD lr 0.01 momentum 0.9, batch 128, then a
# validation pass. The harness multiplies by the number of epochs.
import random
styles = sorted(os.listdir(a.images))
allf = [(os.path.join(a.images, c, f), k) for k, c in enumerate(styles) for f in sorted(os.listdir(os.path.join(a.images, c)))]
if a.quick:
    per = [[x for x in allf if x[1] == k] for k in range(len(styles))]
    allf = [x for i in range(max(map(len, per))) for l in per if i < len(l) for x in [l[i]]][:256]
random.Random(0).shuffle(allf)
nval = len(allf) // 5
val, train = allf[:nval], allf[nval:]
for strategy in (() if a.quick else ('fc8', 'fc7-fc8')):  # the quick run (CI) skips the slow student loop
    net = torchvision.models.alexnet()
    for q in net.parameters(): q.requires_grad_(False)
    net.classifier[6] = torch.nn.Linear(4096, len(styles))
    if strategy == 'fc7-fc8': net.classifier[4] = torch.nn.Linear(4096, 4096)
    opt = torch.optim.SGD([q for q in net.parameters() if q.requires_grad], lr=0.01, momentum=0.9)
    lossf = torch.nn.CrossEntropyLoss()
    t0 = time.perf_counter()
    net.train()
    for i in range(0, len(train), 128):
        chunk = train[i:i + 128]
        x = torch.stack([load(f) for f, _ in chunk]); y = torch.tensor([k for _, k in chunk])
        opt.zero_grad(); loss = lossf(net(x), y); loss.backward(); opt.step()
    net.eval()
    with torch.no_grad():
        for i in range(0, len(val), 128):
            net(torch.stack([load(f) for f, _ in val[i:i + 128]]))
    out[f'course_{strategy}_epoch'] = {'ms': (time.perf_counter() - t0) * 1000, 'images': len(allf)}
print(json.dumps(out))
