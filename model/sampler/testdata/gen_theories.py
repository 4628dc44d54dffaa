#!/usr/bin/python3
"""Independent numpy implementation of SPEC.md's "Other theories" (the Wiener
and PCA-locality machines) and its DDIM sampler, used to make the fixture that
model/sampler's tests compare whole Go trajectories against.

Run with Debian's interpreter from this directory:  /usr/bin/python3 gen_theories.py
It writes theories_data.npy (the training set, float64 [M, C, H, W]),
theories_noise.npy (x_{N-1}) and one trajectory per machine,
theories_<machine>.npy (float64 [N, C, H, W]: x_{N-1}, ..., x_0).
"""
import numpy as np

N = 10          # sampler steps
M, C, H, W = 70, 1, 8, 8
TAU, TEMP = 0.02, 1.0


def beta(t):
    return 1 - np.cos((t / 1.008) * np.pi / 2) ** 2


def a_of(t):
    return np.sqrt(1 - beta(t))


def b_of(t):
    return np.sqrt(beta(t))


def make_data(rng):
    """Blurry random strokes on a constant background, in [-1, 1]."""
    yy, xx = np.mgrid[0:H, 0:W]
    imgs = np.full((M, C, H, W), -1.0)
    for i in range(M):
        canvas = np.zeros((H, W))
        for _ in range(3):
            cy, cx = rng.uniform(1.5, H - 2.5), rng.uniform(1.5, W - 2.5)
            canvas += rng.uniform(0.5, 2.0) * np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / 2.5)
        canvas[0, :] = canvas[-1, :] = canvas[:, 0] = canvas[:, -1] = 0
        imgs[i, 0] = np.clip(canvas * 1.2 - 1, -1, 1)
    return imgs


def stats(data):
    x = data.reshape(M, -1)
    mu = x.mean(axis=0)
    xc = x - mu
    sigma = xc.T @ xc / M
    lam, u = np.linalg.eigh(sigma)
    return mu, lam, u


def wiener_filter(lam, u, a, b):
    s = a * a * lam / (b * b + a * a * lam)
    return (u * s) @ u.T


def d_wiener(x, t, data, st):
    mu, lam, u = st
    a, b = a_of(t), b_of(t)
    f = wiener_filter(lam, u, a, b)
    return mu + f @ (x / a - mu)


def d_pca(x, t, data, st):
    mu, lam, u = st
    a, b = a_of(t), b_of(t)
    f = wiener_filter(lam, u, a, b)
    diag = np.diag(f).copy()
    diag[np.abs(diag) < 1e-6] = 1.0
    g = f / diag[:, None]                      # G[q, p] = F[q, p] / F[q, q]
    nb = np.abs(g) >= TAU * np.abs(g).max()    # N[q, p]
    phi = data.reshape(M, -1)
    res = (x[None, :] - a * phi) ** 2          # [M, n]
    d = res @ nb.astype(np.float64)            # d[i, p] = sum_q N[q, p] res[i, q]
    logits = -d / (2 * b * b * TEMP)
    logits -= logits.max(axis=0, keepdims=True)
    w = np.exp(logits)
    w /= w.sum(axis=0, keepdims=True)
    return (w * phi).sum(axis=0)


def trajectory(denoise, noise, data, st):
    x = noise.reshape(-1).copy()
    frames = [x.copy()]
    for i in range(N - 1, 0, -1):
        t, tp = i / N, (i - 1) / N
        d = denoise(x, t, data, st)
        if i == 1:
            x = d
        else:
            eps = (x - a_of(t) * d) / b_of(t)
            x = a_of(tp) * d + b_of(tp) * eps
        frames.append(x.copy())
    return np.array(frames).reshape(N, C, H, W)


def main():
    rng = np.random.default_rng(2025)
    data = make_data(rng)
    noise = rng.standard_normal((C, H, W))
    st = stats(data)
    np.save("theories_data.npy", data)
    np.save("theories_noise.npy", noise)
    np.save("theories_wiener.npy", trajectory(d_wiener, noise, data, st))
    np.save("theories_pca-locality.npy", trajectory(d_pca, noise, data, st))


if __name__ == "__main__":
    main()
