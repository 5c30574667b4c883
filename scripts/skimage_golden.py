#!/usr/bin/python3
"""Golden values for Retouch's metrics and image reader, from an independent reference (scikit-image, PIL).

Regenerate (Debian's python3-skimage, python3-pil, python3-scipy; use the system interpreter, not pyenv):

    cd <repo root>
    /usr/bin/python3 scripts/skimage_golden.py

It (re)writes, deterministically:
  retouch-core/src/test/resources/metrics/{smooth,noisy,blurred}_48x40.png, {smooth,noisy}_32x32.png  (RGB, 8-bit)
  retouch-core/src/test/resources/metrics/mask_48x40.png   (grey, 0 = outside, 255 = inside)
  retouch-core/src/test/resources/metrics/golden.json      (PSNR / SSIM / MAE / MSE per pair, full and masked)
  retouch-core/src/test/resources/image/*.png + image_golden.json  (reader fixtures encoded by PIL: grey, 1-bit,
      grey+alpha, palette with tRNS, 16-bit RGB, RGBA, and the pixel values expected after compositing on white)
The Java tests (MetricsParityTest, ImagesFixtureTest) read the same PNGs and compare.

Definitions used for the references (they are Retouch's definitions, see dev.retouch.core.metrics.Metrics):
  images are uint8 / 255.0 as float64, HWC;
  ssim  = skimage.metrics.structural_similarity(a, b, channel_axis=2, data_range=1.0, gaussian_weights=True,
          sigma=1.5, use_sample_covariance=False)
  psnr  = skimage.metrics.peak_signal_noise_ratio(a, b, data_range=1.0)  ("inf" in JSON when a == b)
  mae   = mean |a - b| over all pixels and channels
  masked (inside: mask >= 0.5, outside: mask < 0.5; all channels of the selected pixels):
          mse, mae and psnr = 10 log10(1 / mse) over the selected values;
          ssim = mean over channels of (mean of the full, uncropped SSIM map over the selected pixels)
"""
import json
import os

import numpy as np
import PIL
import scipy
import skimage
from PIL import Image
from scipy import ndimage
from skimage.metrics import mean_squared_error, peak_signal_noise_ratio, structural_similarity

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
METRICS = os.path.join(ROOT, "retouch-core/src/test/resources/metrics")
IMAGE = os.path.join(ROOT, "retouch-core/src/test/resources/image")


def save_rgb(name, arr):
    Image.fromarray(arr, "RGB").save(os.path.join(METRICS, name), optimize=False)


def make_metric_images():
    h, w = 40, 48
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    smooth = np.stack([
        0.5 + 0.4 * np.sin(x / 7.0) * np.cos(y / 9.0),
        0.5 + 0.4 * np.cos((x + y) / 11.0),
        x / (w - 1) * 0.8 + 0.1,
    ], axis=2)
    smooth[10:22, 14:30, :] = [0.9, 0.2, 0.3]  # a sharp-edged block so SSIM sees structure
    smooth8 = np.clip(np.round(smooth * 255), 0, 255).astype(np.uint8)
    rng = np.random.default_rng(1234)
    noisy = smooth8 / 255.0 + rng.normal(0.0, 0.06, smooth8.shape)
    noisy8 = np.clip(np.round(noisy * 255), 0, 255).astype(np.uint8)
    blurred = ndimage.gaussian_filter(smooth8 / 255.0, sigma=(1.2, 1.2, 0), mode="reflect") * 0.9 + 0.05
    blurred8 = np.clip(np.round(blurred * 255), 0, 255).astype(np.uint8)
    save_rgb("smooth_48x40.png", smooth8)
    save_rgb("noisy_48x40.png", noisy8)
    save_rgb("blurred_48x40.png", blurred8)
    save_rgb("smooth_32x32.png", smooth8[4:36, 8:40])
    save_rgb("noisy_32x32.png", noisy8[4:36, 8:40])
    mask = np.zeros((h, w), np.uint8)
    mask[((x - 20) / 13.0) ** 2 + ((y - 18) / 9.0) ** 2 <= 1.0] = 255
    mask[0:6, 40:48] = 255  # touches the border, where the SSIM map is reflected
    Image.fromarray(mask, "L").save(os.path.join(METRICS, "mask_48x40.png"))


def load(name):
    return np.asarray(Image.open(os.path.join(METRICS, name)).convert("RGB")).astype(np.float64) / 255.0


def ssim_map(a, b):
    maps = []
    for c in range(a.shape[2]):
        _, s = structural_similarity(a[..., c], b[..., c], data_range=1.0, gaussian_weights=True, sigma=1.5,
                                     use_sample_covariance=False, full=True)
        maps.append(s)
    return np.stack(maps, axis=2)


def inf_safe(v):
    return "inf" if np.isinf(v) else float(v)


def region_scores(a, b, smap, sel):
    d = (a - b)[sel]  # (n, 3)
    mse = float(np.mean(d * d))
    return {
        "mse": mse,
        "mae": float(np.mean(np.abs(d))),
        "psnr": inf_safe(10 * np.log10(1.0 / mse) if mse > 0 else np.inf),
        "ssim": float(np.mean([smap[..., c][sel].mean() for c in range(3)])),
        "count": int(sel.sum()),
    }


def pair(a_name, b_name, mask_name=None):
    a, b = load(a_name), load(b_name)
    with np.errstate(divide="ignore"):
        psnr = peak_signal_noise_ratio(a, b, data_range=1.0)
    out = {
        "a": a_name, "b": b_name,
        "ssim": float(structural_similarity(a, b, channel_axis=2, data_range=1.0, gaussian_weights=True,
                                            sigma=1.5, use_sample_covariance=False)),
        "psnr": inf_safe(psnr),
        "mse": float(mean_squared_error(a, b)),
        "mae": float(np.mean(np.abs(a - b))),
    }
    if mask_name:
        inside = np.asarray(Image.open(os.path.join(METRICS, mask_name)).convert("L")) / 255.0 >= 0.5
        smap = ssim_map(a, b)
        out["mask"] = mask_name
        out["inside"] = region_scores(a, b, smap, inside)
        out["outside"] = region_scores(a, b, smap, ~inside)
    return out


def make_image_fixtures():
    """Tiny PNGs in modes the Java reader must handle, encoded by PIL (an encoder independent of javax.imageio)."""
    os.makedirs(IMAGE, exist_ok=True)
    expected = {}

    grey = np.array([[0, 64, 128], [192, 255, 17]], np.uint8)
    Image.fromarray(grey, "L").save(os.path.join(IMAGE, "grey_3x2.png"))
    expected["grey_3x2.png"] = np.repeat((grey / 255.0)[..., None], 3, axis=2)

    bits = np.array([[1, 0, 1, 1, 0], [0, 0, 1, 0, 1]], bool)
    mono = Image.fromarray(bits.astype(np.uint8) * 255, "L").convert("1", dither=Image.Dither.NONE)
    assert np.array_equal(np.asarray(mono), bits)
    mono.save(os.path.join(IMAGE, "mono_5x2.png"))  # 1-bit grey, packed pixels
    expected["mono_5x2.png"] = np.repeat(bits[..., None].astype(np.float64), 3, axis=2)

    la = np.array([[[200, 255], [100, 128]], [[0, 0], [50, 64]]], np.uint8)
    Image.fromarray(la, "LA").save(os.path.join(IMAGE, "grey_alpha_2x2.png"))
    a = la[..., 1:2] / 255.0
    expected["grey_alpha_2x2.png"] = np.repeat(la[..., 0:1] / 255.0 * a + (1 - a), 3, axis=2)

    pal_rgb = [255, 0, 0, 0, 128, 255, 10, 20, 30, 40, 50, 60]
    pal_alpha = [255, 0, 128, 255]
    idx = np.array([[0, 1, 2], [3, 2, 0]], np.uint8)
    p = Image.fromarray(idx, "P")
    p.putpalette(pal_rgb)
    p.save(os.path.join(IMAGE, "palette_trns_3x2.png"), transparency=bytes(pal_alpha))
    rgb = np.array(pal_rgb, np.float64).reshape(-1, 3)[idx] / 255.0
    alpha = (np.array(pal_alpha, np.float64)[idx] / 255.0)[..., None]
    expected["palette_trns_3x2.png"] = rgb * alpha + (1 - alpha)

    rgba = np.array([[[255, 0, 0, 128], [0, 0, 255, 255]], [[10, 200, 30, 0], [40, 80, 120, 64]]], np.uint8)
    Image.fromarray(rgba, "RGBA").save(os.path.join(IMAGE, "rgba_2x2.png"))
    a = rgba[..., 3:4] / 255.0
    expected["rgba_2x2.png"] = rgba[..., :3] / 255.0 * a + (1 - a)

    # 16-bit RGB: PIL cannot write 16-bit RGB, so write the PNG by hand (zlib + crc) from numpy.
    rgb16 = np.array([[[0, 257, 65535], [1000, 40000, 65534]], [[12345, 54321, 32768], [65535, 65535, 0]]],
                     np.uint16)
    write_png16_rgb(os.path.join(IMAGE, "rgb16_2x2.png"), rgb16)
    expected["rgb16_2x2.png"] = rgb16 / 65535.0

    golden = {k: {"height": v.shape[0], "width": v.shape[1], "hwc": v.reshape(-1).tolist()}
              for k, v in expected.items()}
    golden["_versions"] = {"PIL": PIL.__version__, "numpy": np.__version__}
    with open(os.path.join(IMAGE, "image_golden.json"), "w") as f:
        json.dump(golden, f, indent=1, sort_keys=True)


def write_png16_rgb(path, arr):
    import struct
    import zlib
    h, w, _ = arr.shape

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + arr[r].astype(">u2").tobytes() for r in range(h))
    ihdr = struct.pack(">IIBBBBB", w, h, 16, 2, 0, 0, 0)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw, 9))
                + chunk(b"IEND", b""))


def main():
    os.makedirs(METRICS, exist_ok=True)
    make_metric_images()
    pairs = [
        pair("smooth_48x40.png", "noisy_48x40.png", "mask_48x40.png"),
        pair("smooth_48x40.png", "blurred_48x40.png", "mask_48x40.png"),
        pair("noisy_48x40.png", "blurred_48x40.png", "mask_48x40.png"),
        pair("smooth_48x40.png", "smooth_48x40.png"),
        pair("smooth_32x32.png", "noisy_32x32.png"),
    ]
    golden = {
        "versions": {"skimage": skimage.__version__, "numpy": np.__version__, "scipy": scipy.__version__},
        "ssim_args": "channel_axis=2, data_range=1.0, gaussian_weights=True, sigma=1.5, "
                     "use_sample_covariance=False",
        "pairs": pairs,
    }
    with open(os.path.join(METRICS, "golden.json"), "w") as f:
        json.dump(golden, f, indent=1)
    make_image_fixtures()
    for p in pairs:
        print(p["a"], p["b"], "psnr", p["psnr"], "ssim", p["ssim"], "mae", p["mae"])


if __name__ == "__main__":
    main()
