#!/usr/bin/python3
"""Generate the test fixtures of mosaic/model/network.

Run from anywhere with Debian's torch (apt-get install python3-torch python3-numpy):

    /usr/bin/python3 model/network/testdata/gen_fixtures.py

It defines the two backbones of Kamb & Ganguli (ICML 2025) in its own words, from
the description in issue 12 (and the authors' public models.py for the details the
description leaves open), builds small random-weight models, and writes for each
fixture NAME into this directory:

    NAME.module.pt        torch.save(model)                   (whole pickled module)
    NAME.state.pt         torch.save(model.state_dict())
    NAME.state.json       its hyper-parameters (Mosaic's JSON schema)
    NAME.safetensors      the state dict as safetensors (written here by hand)
    NAME.json             the same hyper-parameters for the safetensors file
    NAME.x.npy            inputs   [n, C, H, W] float32
    NAME.t.npy            times    [n]          float32
    NAME.label.npy        labels   [n]          int64 (-1: unconditional)
    NAME.eps.npy          torch's output (the noise prediction) [n, C, H, W] float32

The outputs are deterministic for a fixed torch version (seeded).
"""

import json
import os
import struct
import zlib

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))


class TimeEmbedding(nn.Module):
    """Sinusoidal features of t (sin block then cos block), plus a learned class vector."""

    def __init__(self, fdim, channels, conditional=False, num_classes=None):
        super().__init__()
        self.fdim = fdim
        self.channels = channels
        self.conditional = conditional
        if conditional:
            self.class_embeddings = nn.Embedding(num_classes, fdim)

    def forward(self, t, label=None):
        half = self.fdim // 2
        freq = 10000 ** (torch.arange(half) / (half - 1))
        arg = t[:, None] / freq[None, :]
        e = torch.cat((torch.sin(arg), torch.cos(arg)), dim=1)
        if self.conditional:
            e = e + self.class_embeddings(label)
        return e


# The authors' class is called EmbeddingModule; keep the name so that pickles match.
EmbeddingModule = TimeEmbedding
EmbeddingModule.__name__ = "EmbeddingModule"
EmbeddingModule.__qualname__ = "EmbeddingModule"


def same_conv(cin, cout, k, mode):
    return nn.Conv2d(cin, cout, k, padding="same", padding_mode=mode)


class MinimalResNet(nn.Module):
    """Up-projection, num_layers residual conv layers fed the embedding, down-projection."""

    def __init__(self, channels=3, emb_dim=128, mode="circular", normalization=None,
                 conditional=False, num_classes=None, kernel_size=3, num_layers=6,
                 lastksize=1, add_one=True):
        super().__init__()
        self.channels = channels
        self.emb_dim = emb_dim
        self.mode = mode
        self.conditional = conditional
        self.num_layers = num_layers
        self.num_classes = num_classes
        self.normalization = normalization
        self.lastksize = lastksize
        self.embedding = EmbeddingModule(emb_dim, channels, conditional, num_classes)
        self.up_projection = same_conv(channels, emb_dim, kernel_size, mode)
        n_embs = num_layers + 1 if add_one else num_layers
        self.embs = nn.ModuleList(
            nn.Sequential(nn.Linear(emb_dim, emb_dim), nn.GroupNorm(8, emb_dim), nn.ReLU())
            for _ in range(n_embs))
        layers = []
        for _ in range(num_layers):
            mods = [same_conv(emb_dim, emb_dim, kernel_size, mode)]
            if normalization is not None:
                mods.append(nn.GroupNorm(8, emb_dim))
            mods.append(nn.ReLU())
            layers.append(nn.Sequential(*mods))
        self.convs = nn.ModuleList(layers)
        last = same_conv(emb_dim, channels, lastksize, mode)
        if normalization is None:
            self.down_projection = last
        else:
            self.down_projection = nn.Sequential(nn.GroupNorm(8, emb_dim), last)

    def forward(self, t, x, label=None):
        e = self.embedding(t, label)
        s = self.up_projection(x)
        for i in range(self.num_layers):
            s = s + self.convs[i](s + self.embs[i](e)[:, :, None, None])
        if len(self.embs) > self.num_layers:
            s = s + self.embs[-1](e)[:, :, None, None]
        else:
            s = s + s
        return self.down_projection(s)


class UBlock(nn.Module):
    """x + Linear(ReLU(e)) per channel, then depth times Conv -> [norm] -> ReLU."""

    def __init__(self, infeatures, outfeatures, depth=2, kernel_size=3, normalization=None,
                 padding_mode="circular", emb_dim=32):
        super().__init__()
        self.emb = nn.Sequential(nn.ReLU(), nn.Linear(emb_dim, infeatures))
        mods = []
        cin = infeatures
        for _ in range(depth):
            mods.append(same_conv(cin, outfeatures, kernel_size, padding_mode))
            if normalization == "GroupNorm":
                mods.append(nn.GroupNorm(min(32, outfeatures), outfeatures))
            mods.append(nn.ReLU())
            cin = outfeatures
        self.model = nn.Sequential(*mods)

    def forward(self, x, e):
        return self.model(x + self.emb(e)[:, :, None, None])


class MinimalUNet(nn.Module):
    """Encoder UBlocks with 2x2 max-pooling, a bottleneck, transposed-conv decoder with skips."""

    def __init__(self, channels=3, fsizes=(32, 64, 128, 256), mode="circular",
                 conditional=False, num_classes=None, emb_dim=256, normalization=None,
                 last_norm=False, kernel_size=3, lastksize=1):
        super().__init__()
        fsizes = list(fsizes)
        self.fsizes = fsizes
        self.channels = channels
        self.conditional = conditional
        self.emb_dim = emb_dim
        self.kernel_size = kernel_size
        self.lastksize = lastksize
        self.embedding = EmbeddingModule(emb_dim, channels, conditional, num_classes)
        self.feature_blocks = nn.ModuleList()
        cin = channels
        for f in fsizes[:-1]:
            self.feature_blocks.append(UBlock(cin, f, kernel_size=kernel_size,
                                              normalization=normalization,
                                              padding_mode=mode, emb_dim=emb_dim))
            cin = f
        self.bottleneck = UBlock(fsizes[-2], fsizes[-1], kernel_size=kernel_size,
                                 normalization=normalization, padding_mode=mode,
                                 emb_dim=emb_dim)
        self.upsamples = nn.ModuleList()
        self.output_blocks = nn.ModuleList()
        for i in range(len(fsizes) - 1, 0, -1):
            self.upsamples.append(nn.ConvTranspose2d(fsizes[i], fsizes[i - 1], 2, stride=2))
            # As in the authors' code, the decoder blocks keep the default 3x3 kernel.
            self.output_blocks.append(UBlock(2 * fsizes[i - 1], fsizes[i - 1],
                                             normalization=normalization,
                                             padding_mode=mode, emb_dim=emb_dim))
        self.last_emb = nn.Sequential(nn.ReLU(), nn.Linear(emb_dim, fsizes[0]))
        self.output_conv = same_conv(fsizes[0], channels, lastksize, mode)
        self.pool = nn.MaxPool2d(2, 2)
        self.last_norm = last_norm
        if last_norm and normalization == "GroupNorm":
            self.last_normalizer = nn.GroupNorm(min(32, fsizes[0]), fsizes[0])

    def forward(self, t, x, label=None):
        e = self.embedding(t, label)
        skips = []
        for block in self.feature_blocks:
            x = block(x, e)
            skips.append(x)
            x = self.pool(x)
        x = self.bottleneck(x, e)
        for up, block, skip in zip(self.upsamples, self.output_blocks, reversed(skips)):
            x = block(torch.cat((skip, up(x)), dim=1), e)
        x = x + self.last_emb(e)[:, :, None, None]
        if hasattr(self, "last_normalizer"):
            x = self.last_normalizer(x)
        return self.output_conv(x)


def write_safetensors(path, state, dtype=torch.float32):
    names = {torch.float32: "F32", torch.float64: "F64", torch.float16: "F16",
             torch.bfloat16: "BF16"}
    header = {"__metadata__": {"format": "pt"}}
    blobs = []
    off = 0
    for name, v in state.items():
        v = v.detach().to(dtype).contiguous()
        if dtype == torch.bfloat16:
            raw = v.view(torch.int16).numpy().astype("<i2").tobytes()
        else:
            raw = v.numpy().astype(v.numpy().dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": names[dtype], "shape": list(v.shape),
                        "data_offsets": [off, off + len(raw)]}
        blobs.append(raw)
        off += len(raw)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def randomize(model, gen):
    """Perturb every parameter so that biases and norm affines are not the defaults."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("weight") and p.dim() == 1:  # GroupNorm scale
                p.copy_(1 + 0.3 * torch.randn(p.shape, generator=gen))
            else:
                p.add_(0.1 * torch.randn(p.shape, generator=gen))


def save(name, model, hyper, size, n_images=3):
    gen = torch.Generator().manual_seed(zlib.crc32(name.encode()))
    randomize(model, gen)
    model.eval()
    base = os.path.join(HERE, name)
    torch.save(model, base + ".module.pt")
    state = model.state_dict()
    torch.save(state, base + ".state.pt")
    hyper = dict(hyper, image_size=size[0] if size[0] == size[1] else 0)
    for p in (base + ".state.json", base + ".json"):
        with open(p, "w") as f:
            json.dump(hyper, f, indent=1)
            f.write("\n")
    write_safetensors(base + ".safetensors", state)
    c = hyper["channels"]
    x = torch.randn((n_images, c) + tuple(size), generator=gen)
    t = torch.tensor([0.05, 0.5, 0.95, 0.3, 1.0][:n_images], dtype=torch.float32)
    if hyper["conditional"]:
        label = torch.arange(n_images) % hyper["num_classes"]
    else:
        label = None
    with torch.no_grad():
        eps = model(t, x, label)
    np.save(base + ".x.npy", x.numpy().astype(np.float32))
    np.save(base + ".t.npy", t.numpy().astype(np.float32))
    lab = label.numpy() if label is not None else -np.ones(n_images, dtype=np.int64)
    np.save(base + ".label.npy", lab.astype(np.int64))
    np.save(base + ".eps.npy", eps.numpy().astype(np.float32))
    return model


def resnet(name, size, **kw):
    torch.manual_seed(zlib.crc32(name.encode()) + 1)
    model = MinimalResNet(**kw)
    hyper = {"arch": "resnet", "channels": kw["channels"], "emb_dim": kw["emb_dim"],
             "mode": kw["mode"], "normalization": kw.get("normalization"),
             "conditional": kw.get("conditional", False),
             "num_classes": kw.get("num_classes") or 0,
             "kernel_size": kw.get("kernel_size", 3), "num_layers": kw["num_layers"],
             "lastksize": kw.get("lastksize", 1), "add_one": kw.get("add_one", True)}
    return save(name, model, hyper, size)


def unet(name, size, **kw):
    torch.manual_seed(zlib.crc32(name.encode()) + 1)
    model = MinimalUNet(**kw)
    hyper = {"arch": "unet", "channels": kw["channels"], "emb_dim": kw["emb_dim"],
             "mode": kw["mode"], "normalization": kw.get("normalization"),
             "conditional": kw.get("conditional", False),
             "num_classes": kw.get("num_classes") or 0,
             "kernel_size": kw.get("kernel_size", 3), "lastksize": kw.get("lastksize", 1),
             "fsizes": list(kw["fsizes"]), "last_norm": kw.get("last_norm", False)}
    return save(name, model, hyper, size)


def main():
    torch.set_num_threads(1)
    resnet("resnet_zeros", (8, 8), channels=1, emb_dim=16, mode="zeros", num_layers=2)
    resnet("resnet_circular_gn_cond", (8, 8), channels=3, emb_dim=16, mode="circular",
           normalization="GroupNorm", conditional=True, num_classes=4, num_layers=3)
    resnet("resnet_zeros_gn", (6, 10), channels=1, emb_dim=16, mode="zeros",
           normalization="GroupNorm", num_layers=2)
    resnet("resnet_circular_cond_k5", (8, 8), channels=2, emb_dim=16, mode="circular",
           conditional=True, num_classes=3, num_layers=2, kernel_size=5, lastksize=3,
           add_one=False)
    # The smallest network, also the fuzz target's seed.
    resnet("resnet_tiny", (4, 4), channels=1, emb_dim=8, mode="zeros", num_layers=1,
           kernel_size=1)
    unet("unet_zeros", (8, 8), channels=1, emb_dim=16, mode="zeros", fsizes=[8, 16])
    unet("unet_circular_gn_cond", (16, 16), channels=3, emb_dim=16, mode="circular",
         fsizes=[8, 12, 16], normalization="GroupNorm", conditional=True, num_classes=4,
         last_norm=True)
    unet("unet_zeros_gn_cond", (8, 12), channels=2, emb_dim=16, mode="zeros",
         fsizes=[8, 16], normalization="GroupNorm", conditional=True, num_classes=2,
         kernel_size=5, lastksize=3)
    unet("unet_circular", (8, 8), channels=1, emb_dim=16, mode="circular", fsizes=[8, 16],
         last_norm=True)
    # One state dict stored as float64 safetensors (the loader converts it).
    m = torch.load(os.path.join(HERE, "resnet_zeros.module.pt"))
    write_safetensors(os.path.join(HERE, "resnet_zeros_f64.safetensors"), m.state_dict(),
                      torch.float64)
    with open(os.path.join(HERE, "resnet_zeros.json")) as f:
        hyper = f.read()
    with open(os.path.join(HERE, "resnet_zeros_f64.json"), "w") as f:
        f.write(hyper)


if __name__ == "__main__":
    main()
