"""Real Darknet models for the float engine benchmark (docs/PERFORMANCE.md, "Float engine").

usage: /usr/bin/python3 darknet_vs_opencv.py CFG OUTDIR REPEATS

1. Creates random weights with pjreddie's libdarknet (load_network without weights + save_weights).
   Darknet leaves every batch-norm rolling variance at 0 (so D = sqrt(0) + 1e-6 and activations
   overflow); the script rewrites those variances to 1 and the means to 0 in the saved file, walking
   the cfg to find them.
2. Writes the input OUTDIR/x.npy (1 x 3 x H x W, a fixed ramp).
3. Times OpenCV 4.6 cv2.dnn.readNetFromDarknet (2 threads) and saves, for every [yolo] layer, the
   preceding convolution with Darknet's yolo logistic applied (x, y, objectness, classes) as
   OUTDIR/opencv_<k>.npy: what our Yolo op returns, in graph-output order.
4. Times Debian's libdarknet network_predict on the same weights and input (DARKNET_REPEATS, default 3).
Then run ours: converters run CFG OUTDIR/model.weights --input OUTDIR/x.npy -o OUTDIR/ours --repeat N --threads 2
"""
import ctypes, os, shutil, sys, time
import numpy as np
import cv2

cfg_src, out, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3])
os.makedirs(out, exist_ok=True)
cfg = os.path.join(out, 'model.cfg')
with open(cfg_src) as f:
    lines = [l.strip() for l in f]
with open(cfg, 'w') as f:
    for l in lines:
        key = l.split('=')[0].strip()
        f.write('batch=1\n' if key == 'batch' else 'subdivisions=1\n' if key == 'subdivisions' else l + '\n')
weights = os.path.join(out, 'model.weights')
lib = ctypes.CDLL('/usr/lib/darknet/libdarknet.so')
lib.load_network.restype = ctypes.c_void_p
lib.load_network.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int]
lib.save_weights.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
lib.save_weights(lib.load_network(cfg.encode(), None, 0), weights.encode())

# Walk the cfg: sections, channels, and the float offsets of each BN mean/variance.
sections = []
for l in open(cfg):
    l = l.replace(' ', '').strip()
    if not l or l[0] in '#;':
        continue
    if l.startswith('['):
        sections.append((l, {}))
    else:
        k, v = l.split('=', 1)
        sections[-1][1].setdefault(k, v)
net = sections[0][1]
height, width, c = int(net['height']), int(net['width']), int(net.get('channels', 3))
outs, offset, fixes = [], 0, []
for i, (kind, o) in enumerate(sections[1:]):
    if kind in ('[convolutional]', '[conv]'):
        n, size, groups = int(o.get('filters', 1)), int(o.get('size', 1)), int(o.get('groups', 1))
        offset += n
        if int(o.get('batch_normalize', 0)):
            fixes.append((offset + n, offset + 2 * n, offset + 3 * n))
            offset += 3 * n
        offset += n * (c // groups) * size * size
        c = n
    elif kind == '[route]':
        idx = [int(v) for v in o['layers'].split(',')]
        c = sum(outs[j if j >= 0 else i + j] for j in idx)
    outs.append(c)
data = np.fromfile(weights, dtype=np.uint8)
header = 20
floats = data[header:].view(np.float32).copy()
assert floats.size == offset, (floats.size, offset)
for mean0, var0, var1 in fixes:
    floats[mean0:var0] = 0.0
    floats[var0:var1] = 1.0
with open(weights, 'wb') as f:
    f.write(data[:header].tobytes())
    f.write(floats.tobytes())

x = (np.arange(3 * height * width) * 7919 % 1000 / 1000.0).astype(np.float32).reshape(1, 3, height, width)
np.save(os.path.join(out, 'x.npy'), x)
cv2.setNumThreads(2)
cvnet = cv2.dnn.readNetFromDarknet(cfg, weights)
cvnet.setPreferableBackend(cv2.dnn.DNN_BACKEND_OPENCV)
names = cvnet.getLayerNames()
outputs = cvnet.getUnconnectedOutLayersNames()
def run():
    cvnet.setInput(x)
    return cvnet.forward(outputs)
run()
t = []
for _ in range(repeats):
    s = time.perf_counter()
    run()
    t.append((time.perf_counter() - s) * 1000)
heads = [n for n in names if n.startswith('yolo')]
for k, h in enumerate(heads):
    cvnet.setInput(x)
    conv_name = [n for n in names[:names.index(h)] if n.startswith('conv')][-1]
    conv = cvnet.forward(conv_name).copy()
    a = conv.reshape(1, 3, -1, conv.shape[2] * conv.shape[3])
    sel = [0, 1] + list(range(4, a.shape[2]))
    a[:, :, sel, :] = 1 / (1 + np.exp(-a[:, :, sel, :]))
    np.save(os.path.join(out, f'opencv_{k}.npy'), a.reshape(conv.shape))
print(f'opencv {cv2.__version__} readNetFromDarknet, 2 threads: median {sorted(t)[len(t) // 2]:.1f} ms over {repeats} runs')

# Debian's darknet itself: network_predict on the same weights and input (its CPU build runs on one
# thread). DARKNET_REPEATS (default 3) forwards after one warm-up; yolov3@608 takes seconds each.
lib.network_predict.restype = ctypes.POINTER(ctypes.c_float)
lib.network_predict.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_float)]
dn = lib.load_network(cfg.encode(), weights.encode(), 0)
xd = np.ascontiguousarray(x.reshape(-1))
ptr = xd.ctypes.data_as(ctypes.POINTER(ctypes.c_float))
lib.network_predict(dn, ptr)
td = []
for _ in range(int(os.environ.get('DARKNET_REPEATS', '3'))):
    s = time.perf_counter()
    lib.network_predict(dn, ptr)
    td.append((time.perf_counter() - s) * 1000)
print(f'darknet (Debian libdarknet network_predict): median {sorted(td)[len(td) // 2]:.1f} ms over {len(td)} runs')
