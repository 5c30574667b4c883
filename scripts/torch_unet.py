#!/usr/bin/python3
"""Retouch's two UNets re-implemented in plain PyTorch: a benchmark and parity reference.

This file is NOT a runtime dependency of Retouch. It exists so that `retouch bench --vs-pytorch` (VsPytorch.java)
and PytorchParityTest can run the very same network, weights and inputs in PyTorch and compare speed and outputs.
It is written independently of diffusers, op for op after Retouch's Java code (the ground truth):

  pixel model  ("type": "ddpm-unet2d",      e.g. models/emoji-ddpm-32)
      dev.retouch.diffusion.unet.UNet2DModel + UNet2DConfig            forward(x, t)
  latent model ("type": "latent-diffusion", e.g. models/emoji-ldm)
      dev.retouch.diffusion.unet.UNet2DConditionModel + UNet2DConditionConfig   forward(x, t, context)
      context = the text encoder's last hidden states (B, M, crossAttentionDim); emoji-clip gives M = 32
      (its maxPositions), width 128.

The state-dict keys are exactly those of model.safetensors (diffusers layout); weights load strictly, as float32.
Only the Python standard library, numpy and torch are used (Debian's /usr/bin/python3 with python3-torch; the
safetensors reader is built in). Run from the repository root:

  # one forward pass, .npy in and out (x float32 (B,C,H,W); t int64 or float (B,) or one value; output float32)
  /usr/bin/python3 scripts/torch_unet.py forward --model models/emoji-ddpm-32 --x x.npy --t t.npy \\
      --out y.npy --threads 1
  /usr/bin/python3 scripts/torch_unet.py forward --model models/emoji-ldm --x x.npy --t t.npy \\
      --context c.npy --out y.npy --threads 1

  # timings: medians of R repeats after 2 warm-up runs, of forward at batch 1 (first sample) and batch 16
  # (inference mode) and one AdamW training step at batch 16 (MSE against --target16, zeros when absent)
  /usr/bin/python3 scripts/torch_unet.py bench --model models/emoji-ldm --threads 1 --repeats 5 \\
      --x16 x.npy --t16 t.npy --context16 c.npy [--target16 target.npy] [--out16 y.npy] --json

With --json, bench prints exactly one JSON object on stdout:
  {"torch_version", "threads", "forward1_s", "forward16_s", "train16_s", "params"}
and, with --out16, saves the batch-16 inference output (computed with the loaded weights, before any training step).
"""
import argparse
import json
import math
import os
import statistics
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

# ------------------------------------------------------------------------------------------------------------------
# safetensors
# ------------------------------------------------------------------------------------------------------------------

_NUMPY_DTYPES = {
    "F16": "<f2", "F32": "<f4", "F64": "<f8",
    "I8": "i1", "U8": "u1", "I16": "<i2", "I32": "<i4", "I64": "<i8", "BOOL": "?",
}


def read_safetensors(path):
    """A safetensors file → {name: float32 torch tensor}.

    Layout: u64 little-endian header length N, N bytes of JSON ({name: {dtype, shape, data_offsets: [begin, end]}},
    plus an optional "__metadata__"), then the raw little-endian data; offsets are relative to the end of the header.
    """
    with open(path, "rb") as f:
        blob = f.read()
    if len(blob) < 8:
        raise ValueError(f"{path}: too short for a safetensors file")
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n].decode("utf-8"))
    base = 8 + n
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        raw = blob[base + begin:base + end]
        shape = tuple(info["shape"])
        dtype = info["dtype"]
        if dtype == "BF16":
            # bfloat16 is the top half of a float32: widen the bits, then reinterpret
            bits = np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16
            arr = bits.view(np.float32)
        elif dtype in _NUMPY_DTYPES:
            arr = np.frombuffer(raw, dtype=_NUMPY_DTYPES[dtype])
        else:
            raise ValueError(f"{path}: tensor {name} has unsupported dtype {dtype}")
        count = int(np.prod(shape)) if shape else 1
        if arr.size != count:
            raise ValueError(f"{path}: tensor {name} holds {arr.size} values for shape {list(shape)}")
        out[name] = torch.from_numpy(arr.astype(np.float32).reshape(shape).copy())
    return out


# ------------------------------------------------------------------------------------------------------------------
# layers (dev.retouch.core.nn and dev.retouch.diffusion.unet)
# ------------------------------------------------------------------------------------------------------------------

def timestep_features(t, dim, flip_sin_to_cos, freq_shift):
    """TimestepEmbedding.sinusoidal: t (B) → (B, dim) = [cos | sin] (flip) or [sin | cos] of t·f_k.

    The frequencies f_k = exp(−ln(10⁴)·k/(dim/2 − shift)) are computed in double precision and rounded to float32,
    as the Java code does (diffusers computes them in float32); t is cast to float32 first.
    """
    half = dim // 2
    freqs = np.array([math.exp(-math.log(10000.0) * k / (half - freq_shift)) for k in range(half)], dtype=np.float32)
    args = t.to(torch.float32).reshape(-1, 1) * torch.from_numpy(freqs).reshape(1, half)
    sin, cos = torch.sin(args), torch.cos(args)
    return torch.cat([cos, sin], dim=1) if flip_sin_to_cos else torch.cat([sin, cos], dim=1)


class TimestepEmbedding(nn.Module):
    """Sinusoidal features → linear_1 → SiLU → linear_2."""

    def __init__(self, dim, embed_dim, flip_sin_to_cos, freq_shift):
        super().__init__()
        self.dim = dim
        self.flip_sin_to_cos = flip_sin_to_cos
        self.freq_shift = freq_shift
        self.linear_1 = nn.Linear(dim, embed_dim)
        self.linear_2 = nn.Linear(embed_dim, embed_dim)

    def forward(self, t):
        e = timestep_features(t, self.dim, self.flip_sin_to_cos, self.freq_shift)
        return self.linear_2(F.silu(self.linear_1(e)))


class ResnetBlock2D(nn.Module):
    """h = conv1(SiLU(norm1(x))) + time_emb_proj(SiLU(temb)); h = conv2(dropout(SiLU(norm2(h)))); shortcut(x) + h."""

    def __init__(self, cin, cout, temb_dim, groups, eps, dropout):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, cin, eps=eps)
        self.conv1 = nn.Conv2d(cin, cout, 3, 1, 1)
        self.time_emb_proj = nn.Linear(temb_dim, cout) if temb_dim > 0 else None
        self.norm2 = nn.GroupNorm(groups, cout, eps=eps)
        self.dropout = nn.Dropout(dropout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1)
        # a 1×1 shortcut only when the channel count changes (Java: in != out)
        self.conv_shortcut = nn.Conv2d(cin, cout, 1, 1, 0) if cin != cout else None

    def forward(self, x, temb):
        h = self.conv1(F.silu(self.norm1(x)))
        if self.time_emb_proj is not None and temb is not None:
            h = h + self.time_emb_proj(F.silu(temb))[:, :, None, None]
        h = self.conv2(self.dropout(F.silu(self.norm2(h))))
        skip = x if self.conv_shortcut is None else self.conv_shortcut(x)
        return skip + h


class Downsample2D(nn.Module):
    """3×3 convolution, stride 2, padding 1 (the UNets never use the autoencoder's bottom-right padding variant)."""

    def __init__(self, channels):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, 2, 1)

    def forward(self, x):
        return self.conv(x)


class Upsample2D(nn.Module):
    """Nearest-neighbour ×2 (to an explicit size, as Java's upsample_nearest2d(2H, 2W)) then a 3×3 conv."""

    def __init__(self, channels):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, 1, 1)

    def forward(self, x):
        return self.conv(F.interpolate(x, size=(2 * x.shape[2], 2 * x.shape[3]), mode="nearest"))


def _attend(q, k, v):
    """softmax(q·kᵀ/√d)·v over (B, heads, N, d); Java calls scaled_dot_product_attention with its default scale."""
    if hasattr(F, "scaled_dot_product_attention"):  # torch >= 2.0: the very op the Java code calls
        return F.scaled_dot_product_attention(q, k, v)
    scores = torch.matmul(q, k.transpose(-1, -2)) * (q.shape[-1] ** -0.5)
    return torch.matmul(scores.softmax(dim=-1), v)


class Attention(nn.Module):
    """dev.retouch.core.nn.Attention: optional input GroupNorm, to_q/to_k/to_v, to_out.0, optional residual.

    Accepts tokens (B, N, C) or maps (B, C, H, W); self-attention without a context, cross-attention with one.
    """

    def __init__(self, query_dim, context_dim, heads, dim_head, qkv_bias, norm_groups, norm_eps, residual):
        super().__init__()
        inner = heads * dim_head
        kv_dim = context_dim if context_dim > 0 else query_dim
        self.heads = heads
        self.group_norm = nn.GroupNorm(norm_groups, query_dim, eps=norm_eps) if norm_groups > 0 else None
        self.to_q = nn.Linear(query_dim, inner, bias=qkv_bias)
        self.to_k = nn.Linear(kv_dim, inner, bias=qkv_bias)
        self.to_v = nn.Linear(kv_dim, inner, bias=qkv_bias)
        self.to_out = nn.ModuleList([nn.Linear(inner, query_dim, bias=True)])
        self.residual = residual

    def _split(self, t):
        b, n, c = t.shape
        return t.reshape(b, n, self.heads, c // self.heads).transpose(1, 2)

    def forward(self, x, context=None):
        spatial = x.dim() == 4
        if spatial:
            b, c, hh, ww = x.shape
            h = x.reshape(b, c, hh * ww).transpose(1, 2)  # (B, N, C)
        else:
            h = x
        if self.group_norm is not None:
            # normalised over channels: (B, C, N) for GroupNorm, then back to tokens
            h = self.group_norm(h.transpose(1, 2)).transpose(1, 2)
        ctx = h if context is None else context
        q = self._split(self.to_q(h))
        k = self._split(self.to_k(ctx))
        v = self._split(self.to_v(ctx))
        o = _attend(q, k, v)  # (B, heads, N, d)
        o = o.transpose(1, 2).reshape(x.shape[0], -1, o.shape[1] * o.shape[3])
        o = self.to_out[0](o)
        if spatial:
            o = o.transpose(1, 2).reshape(x.shape)
        if self.residual:
            o = o + x
        return o  # rescale is 1.0 in both UNets: no division


class GEGLU(nn.Module):
    """proj: dim → 2·inner; first half the value a, second half the gate g; a·GELU(g) with the exact (erf) GELU."""

    def __init__(self, dim, inner):
        super().__init__()
        self.inner = inner
        self.proj = nn.Linear(dim, 2 * inner)

    def forward(self, x):
        ag = self.proj(x)
        a, g = ag[..., :self.inner], ag[..., self.inner:]
        return a * F.gelu(g)


class FeedForward(nn.Module):
    """net.0 = GEGLU, net.1 = dropout (p = 0), net.2 = Linear(inner → dim)."""

    def __init__(self, dim, inner):
        super().__init__()
        self.net = nn.ModuleList([GEGLU(dim, inner), nn.Dropout(0.0), nn.Linear(inner, dim)])

    def forward(self, x):
        for layer in self.net:
            x = layer(x)
        return x


class BasicTransformerBlock(nn.Module):
    """x + attn1(norm1(x)); + attn2(norm2(h), context); + ff(norm3(h)). LayerNorm eps 1e-5, q/k/v without bias."""

    def __init__(self, dim, heads, head_dim, context_dim):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-5)
        self.attn1 = Attention(dim, 0, heads, head_dim, False, 0, 1e-5, False)
        self.norm2 = nn.LayerNorm(dim, eps=1e-5)
        self.attn2 = Attention(dim, context_dim, heads, head_dim, False, 0, 1e-5, False)
        self.norm3 = nn.LayerNorm(dim, eps=1e-5)
        self.ff = FeedForward(dim, 4 * dim)

    def forward(self, x, context):
        h = x + self.attn1(self.norm1(x))
        h = h + self.attn2(self.norm2(h), context)
        return h + self.ff(self.norm3(h))


class Transformer2DModel(nn.Module):
    """GroupNorm (eps 1e-6, fixed) → proj_in → H·W tokens through the blocks → proj_out → + input.

    proj_in/proj_out are Linear on tokens (use_linear_projection) or 1×1 convolutions on the map.
    """

    def __init__(self, channels, heads, head_dim, layers, context_dim, norm_groups, linear_projection):
        super().__init__()
        inner = heads * head_dim
        self.linear = linear_projection
        self.norm = nn.GroupNorm(norm_groups, channels, eps=1e-6)
        self.proj_in = nn.Linear(channels, inner) if linear_projection else nn.Conv2d(channels, inner, 1, 1, 0)
        self.transformer_blocks = nn.ModuleList(
            [BasicTransformerBlock(inner, heads, head_dim, context_dim) for _ in range(layers)])
        self.proj_out = nn.Linear(inner, channels) if linear_projection else nn.Conv2d(inner, channels, 1, 1, 0)

    def forward(self, x, context):
        b, _, hh, ww = x.shape
        h = self.norm(x)
        if not self.linear:
            h = self.proj_in(h)
        h = h.reshape(b, h.shape[1], hh * ww).transpose(1, 2)  # (B, HW, ·)
        if self.linear:
            h = self.proj_in(h)
        for block in self.transformer_blocks:
            h = block(h, context)
        if self.linear:
            h = self.proj_out(h)
        h = h.transpose(1, 2).reshape(b, h.shape[2], hh, ww)
        if not self.linear:
            h = self.proj_out(h)
        return h + x


def _block_attention(layer, h, context):
    """BlockAttention.forward: a Transformer2DModel sees the context; spatial self-attention does not."""
    if isinstance(layer, Transformer2DModel):
        return layer(h, context)
    return layer(h, None)


class DownBlock2D(nn.Module):
    """resnets.j (each optionally followed by attentions.j), optional downsamplers.0; every output is a skip."""

    def __init__(self, cin, cout, layers, spec, make_attention, downsample):
        super().__init__()
        self.resnets = nn.ModuleList([ResnetBlock2D(cin if j == 0 else cout, cout, *spec) for j in range(layers)])
        self.attentions = nn.ModuleList([make_attention() for _ in range(layers)]) if make_attention else None
        self.downsamplers = nn.ModuleList([Downsample2D(cout)]) if downsample else None

    def forward(self, x, temb, context, skips):
        h = x
        for j, resnet in enumerate(self.resnets):
            h = resnet(h, temb)
            if self.attentions is not None:
                h = _block_attention(self.attentions[j], h, context)
            skips.append(h)
        if self.downsamplers is not None:
            h = self.downsamplers[0](h)
            skips.append(h)
        return h


class UpBlock2D(nn.Module):
    """layers resnets over cat([h, skip], channels) with the most recent skip, optional attentions, upsamplers.0."""

    def __init__(self, prev_out, cout, skip_in, layers, spec, make_attention, upsample):
        super().__init__()
        resnets = []
        for j in range(layers):
            skip = skip_in if j == layers - 1 else cout
            res_in = prev_out if j == 0 else cout
            resnets.append(ResnetBlock2D(res_in + skip, cout, *spec))
        self.resnets = nn.ModuleList(resnets)
        self.attentions = nn.ModuleList([make_attention() for _ in range(layers)]) if make_attention else None
        self.upsamplers = nn.ModuleList([Upsample2D(cout)]) if upsample else None

    def forward(self, x, temb, context, skips):
        h = x
        for j, resnet in enumerate(self.resnets):
            h = resnet(torch.cat([h, skips.pop()], dim=1), temb)  # the decoder state first, then the skip
            if self.attentions is not None:
                h = _block_attention(self.attentions[j], h, context)
        if self.upsamplers is not None:
            h = self.upsamplers[0](h)
        return h


class MidBlock2D(nn.Module):
    """resnets.0 → attentions.0 → resnets.1."""

    def __init__(self, channels, spec, attention):
        super().__init__()
        self.resnets = nn.ModuleList([ResnetBlock2D(channels, channels, *spec), ResnetBlock2D(channels, channels, *spec)])
        self.attentions = nn.ModuleList([attention])

    def forward(self, x, temb, context):
        h = self.resnets[0](x, temb)
        h = _block_attention(self.attentions[0], h, context)
        return self.resnets[1](h, temb)


# ------------------------------------------------------------------------------------------------------------------
# the two UNets
# ------------------------------------------------------------------------------------------------------------------

class _UNetBase(nn.Module):
    """conv_in → down blocks (collecting skips) → mid block → up blocks → SiLU(conv_norm_out) → conv_out."""

    def _build(self, cin, cout, chans, layers_per_block, spec, attention_at, mid_attention, norm_groups, norm_eps,
               time_dim, temb_dim, flip, shift):
        n = len(chans)
        self.conv_in = nn.Conv2d(cin, chans[0], 3, 1, 1)
        # the sinusoidal features are as wide as the first level's channels; the embedding 4× that
        self.time_embedding = TimestepEmbedding(time_dim, temb_dim, flip, shift)
        self.down_blocks = nn.ModuleList([
            DownBlock2D(chans[max(i - 1, 0)], chans[i], layers_per_block, spec, attention_at(i), i < n - 1)
            for i in range(n)])
        self.mid_block = MidBlock2D(chans[n - 1], spec, mid_attention)
        ups = []
        for i in range(n):
            level = n - 1 - i
            prev_out = chans[min(level + 1, n - 1)]
            skip_in = chans[max(level - 1, 0)]
            ups.append(UpBlock2D(prev_out, chans[level], skip_in, layers_per_block + 1, spec, attention_at(level),
                                 level > 0))
        self.up_blocks = nn.ModuleList(ups)
        self.conv_norm_out = nn.GroupNorm(norm_groups, chans[0], eps=norm_eps)
        self.conv_out = nn.Conv2d(chans[0], cout, 3, 1, 1)

    def _run(self, x, t, context):
        b = x.shape[0]
        t = torch.as_tensor(t)
        if t.numel() == 1:  # one timestep for the whole batch
            t = t.reshape(1).expand(b)
        temb = self.time_embedding(t)
        h = self.conv_in(x)
        skips = [h]
        for block in self.down_blocks:
            h = block(h, temb, context, skips)
        h = self.mid_block(h, temb, context)
        for block in self.up_blocks:
            h = block(h, temb, context, skips)
        return self.conv_out(F.silu(self.conv_norm_out(h)))


class UNet2DModel(_UNetBase):
    """The pixel-space DDPM denoiser (UNet2DModel.java): x (B, in, H, W), t (B) → (B, out, H, W)."""

    def __init__(self, c):
        super().__init__()
        chans = [c["baseChannels"] * m for m in c["channelMult"]]
        temb = c["baseChannels"] * 4
        spec = (temb, c["normGroups"], c["normEps"], c["dropout"])
        head_dim = c["attentionHeadDim"]
        sample = c["sampleSize"]

        def self_attention(ch):
            # UNet2DModel.selfAttention: heads = C / headDim, q/k/v with bias, input GroupNorm with the 8-argument
            # Attention constructor's fixed eps 1e-5 (not normEps), residual, rescale 1
            return Attention(ch, 0, ch // head_dim, head_dim, True, c["normGroups"], 1e-5, True)

        def attention_at(level):
            if (sample >> level) in c["attentionResolutions"]:
                return lambda: self_attention(chans[level])
            return None

        self._build(c["inChannels"], c["outChannels"], chans, c["layersPerBlock"], spec, attention_at,
                    self_attention(chans[-1]), c["normGroups"], c["normEps"], c["baseChannels"], temb,
                    c["flipSinToCos"], c["freqShift"])

    def forward(self, x, t):
        return self._run(x, t, None)


class UNet2DConditionModel(_UNetBase):
    """The latent-diffusion denoiser (UNet2DConditionModel.java): (x, t, context (B, M, crossAttentionDim))."""

    def __init__(self, c):
        super().__init__()
        chans = list(c["blockOutChannels"])
        temb = 4 * chans[0]
        spec = (temb, c["normGroups"], c["normEps"], c["dropout"])
        heads_cfg, head_dim_cfg = c["attentionHeads"], c["attentionHeadDim"]

        def transformer(level):
            ch = chans[level]
            heads = heads_cfg if heads_cfg > 0 else ch // head_dim_cfg
            head_dim = head_dim_cfg if head_dim_cfg > 0 else ch // heads_cfg
            return Transformer2DModel(ch, heads, head_dim, c["transformerLayersPerBlock"], c["crossAttentionDim"],
                                      c["normGroups"], c["useLinearProjection"])

        def attention_at(level):
            return (lambda: transformer(level)) if c["crossAttention"][level] else None

        self._build(c["inChannels"], c["outChannels"], chans, c["layersPerBlock"], spec, attention_at,
                    transformer(len(chans) - 1), c["normGroups"], c["normEps"], chans[0], temb,
                    c["flipSinToCos"], c["freqShift"])

    def forward(self, x, t, context):
        if context is None:
            raise ValueError("the conditional UNet needs a context (B, M, crossAttentionDim)")
        return self._run(x, t, context)


KINDS = {"ddpm-unet2d": UNet2DModel, "latent-diffusion": UNet2DConditionModel}


def load_unet(model_dir):
    """model_dir (config.json + model.safetensors) → (module in eval mode, float32, strictly loaded; kind)."""
    with open(os.path.join(model_dir, "config.json"), encoding="utf-8") as f:
        config = json.load(f)
    kind = config.get("type")
    if kind not in KINDS:
        raise ValueError(f"{model_dir}: config type {kind!r} is not one of {sorted(KINDS)}")
    module = KINDS[kind](config["unet"])
    module.load_state_dict(read_safetensors(os.path.join(model_dir, "model.safetensors")), strict=True)
    return module.eval(), kind


# ------------------------------------------------------------------------------------------------------------------
# command line
# ------------------------------------------------------------------------------------------------------------------

def _set_threads(n):
    torch.set_num_threads(n)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:  # only allowed before any inter-op work has started
        pass


def _load_npy(path):
    a = np.load(path)
    if a.dtype.kind == "f":
        return torch.from_numpy(np.ascontiguousarray(a, dtype=np.float32))
    return torch.from_numpy(np.ascontiguousarray(a, dtype=np.int64))


def _call(model, kind, x, t, context):
    return model(x, t) if kind == "ddpm-unet2d" else model(x, t, context)


def _save(path, y):
    np.save(path, y.detach().to(torch.float32).contiguous().numpy())


def _median_time(repeats, fn, warmup=2):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def cmd_forward(a):
    model, kind = load_unet(a.model)
    x, t = _load_npy(a.x), _load_npy(a.t)
    c = _load_npy(a.context) if a.context else None
    with torch.inference_mode():
        y = _call(model, kind, x, t, c)
    _save(a.out, y)


def cmd_bench(a):
    model, kind = load_unet(a.model)
    x16, t16 = _load_npy(a.x16), _load_npy(a.t16)
    c16 = _load_npy(a.context16) if a.context16 else None
    if kind == "latent-diffusion" and c16 is None:
        raise SystemExit("bench: the conditional UNet needs --context16")
    x1, t1 = x16[:1], (t16[:1] if t16.numel() > 1 else t16)
    c1 = c16[:1] if c16 is not None else None
    model.eval()
    with torch.inference_mode():
        f1 = _median_time(a.repeats, lambda: _call(model, kind, x1, t1, c1))
        y16 = _call(model, kind, x16, t16, c16)
        f16 = _median_time(a.repeats, lambda: _call(model, kind, x16, t16, c16))
    if a.out16:
        _save(a.out16, y16)  # from the loaded weights, before the training steps change them
    target = _load_npy(a.target16) if a.target16 else torch.zeros_like(y16)
    model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=1e-2)

    def step():
        loss = F.mse_loss(_call(model, kind, x16, t16, c16), target)
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)

    train = _median_time(a.repeats, step)
    result = {"torch_version": torch.__version__, "threads": torch.get_num_threads(), "forward1_s": f1,
              "forward16_s": f16, "train16_s": train, "params": sum(p.numel() for p in model.parameters())}
    if a.json:
        print(json.dumps(result))
    else:
        print(f"{a.model} ({kind}, {result['params']:,} parameters), torch {result['torch_version']}, "
              f"{result['threads']} threads: forward batch 1 {f1:.4f} s, batch 16 {f16:.4f} s, "
              f"train step batch 16 {train:.4f} s")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="mode", required=True)
    f = sub.add_parser("forward", help="one forward pass, .npy in and out")
    f.add_argument("--model", required=True, help="model directory (config.json + model.safetensors)")
    f.add_argument("--x", required=True, help="(B, C, H, W) float32 .npy")
    f.add_argument("--t", required=True, help="(B,) or one timestep, int64 or float .npy")
    f.add_argument("--context", help="(B, M, crossAttentionDim) float32 .npy (conditional UNet only)")
    f.add_argument("--out", required=True, help="output .npy (float32)")
    f.add_argument("--threads", type=int, default=1)
    b = sub.add_parser("bench", help="timings of forward (batch 1, 16) and a training step (batch 16)")
    b.add_argument("--model", required=True)
    b.add_argument("--threads", type=int, default=1)
    b.add_argument("--x16", required=True)
    b.add_argument("--t16", required=True)
    b.add_argument("--context16")
    b.add_argument("--target16", help="training target .npy (zeros when absent)")
    b.add_argument("--out16", help="save the batch-16 inference output here (.npy float32)")
    b.add_argument("--repeats", type=int, default=5)
    b.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    a = p.parse_args(argv)
    _set_threads(a.threads)
    if a.mode == "forward":
        cmd_forward(a)
    else:
        cmd_bench(a)


if __name__ == "__main__":
    sys.exit(main())
