"""Reference checkpoints and logits from real PyTorch, for the converter's parity tests.

Run with Debian's python3-torch + python3-torchvision:
    /usr/bin/python3 scripts/reference/make_reference.py --out .cache/reference

For each architecture it writes, with fixed seeds:
  <arch>.pth             torch.save(torchvision.models.<arch>().state_dict())
  <arch>.inputs.bin      N random inputs, float32, NHWC (what TF.js consumes)
  <arch>.logits.bin      PyTorch's logits for them, float32 [N, 1000]
plus small checkpoint variants for the reader's tests (legacy format, wrapped
state_dict, DataParallel prefixes, non-contiguous / half / double tensors).
"""
import argparse, json, os
import torch
import torchvision

p = argparse.ArgumentParser()
p.add_argument('--out', required=True)
p.add_argument('--n', type=int, default=20)
p.add_argument('--archs', default='alexnet,vgg16,squeezenet1_1')
args = p.parse_args()
os.makedirs(args.out, exist_ok=True)
torch.set_num_threads(max(1, os.cpu_count() or 1))

summary = {'torch': torch.__version__, 'torchvision': torchvision.__version__, 'n': args.n, 'archs': {}}
for i, arch in enumerate(args.archs.split(',')):
    torch.manual_seed(1000 + i)
    model = getattr(torchvision.models, arch)().eval()
    torch.save(model.state_dict(), os.path.join(args.out, f'{arch}.pth'))
    g = torch.Generator().manual_seed(2000 + i)
    x = torch.randn(args.n, 3, 224, 224, generator=g)
    with torch.no_grad():
        logits = torch.cat([model(x[j:j + 5]) for j in range(0, args.n, 5)])
    x.permute(0, 2, 3, 1).contiguous().numpy().tofile(os.path.join(args.out, f'{arch}.inputs.bin'))
    logits.numpy().astype('float32').tofile(os.path.join(args.out, f'{arch}.logits.bin'))
    summary['archs'][arch] = {'maxAbsLogit': float(logits.abs().max()), 'top1': logits.argmax(1).tolist()}
    print(arch, 'max|logit|', summary['archs'][arch]['maxAbsLogit'])

# Reader variants, on a small squeezenet state_dict.
torch.manual_seed(7)
sq = torchvision.models.squeezenet1_1().state_dict()
torch.save(sq, os.path.join(args.out, 'variant-plain.pth'))
torch.save(sq, os.path.join(args.out, 'variant-legacy.pth'), _use_new_zipfile_serialization=False)
torch.save({'state_dict': sq, 'epoch': 3}, os.path.join(args.out, 'variant-wrapped.pth'))
torch.save({'module.' + k: v for k, v in sq.items()}, os.path.join(args.out, 'variant-module.pth'))
base = torch.arange(24, dtype=torch.float32).reshape(2, 3, 4)
odd = {
    'transposed': base.permute(2, 0, 1),  # non-contiguous strides
    'sliced': base[:, 1:, ::2],  # offset + strides
    'half': (base / 7).half(),
    'double': (base / 3).double(),
    'long': torch.arange(5),
}
torch.save(odd, os.path.join(args.out, 'variant-odd.pth'))
json.dump({k: v.float().contiguous().flatten().tolist() for k, v in odd.items()} | {
    'shapes': {k: list(v.shape) for k, v in odd.items()}}, open(os.path.join(args.out, 'variant-odd.json'), 'w'))
json.dump(summary, open(os.path.join(args.out, 'summary.json'), 'w'))
print('reference written to', args.out)
