#!/usr/bin/python3.11
"""Writes a synthetic Whisper model in whisper.cpp's ggml format, with deterministic random weights.

No real Whisper weights can be downloaded here; these models exercise the whole path (loading,
mel, encoder, decoder, timestamps) with known shapes. Their "speech recognition" is noise: a random
decoder never ends on its own, so tests run them with suppress_end_of_text and max_tokens.

  --shape micro   n_state 64, 1+1 layers (unit and parity tests; ~14 MB as f32)
  --shape tiny    tiny-shaped: n_vocab 51864, n_state 384, 6 heads, 4+4 layers (benchmarks)
  --type f32|f16|q8_0

Real models (e.g. ggml-tiny.en.bin) work by path the same way.
Usage: make-whisper-model.py --shape micro --type f32 OUT.bin [--seed 1]
"""
import argparse
import struct
import sys

import numpy as np

SHAPES = {
    # n_vocab, n_audio_ctx, n_state, n_head, n_audio_layer, n_text_ctx, n_text_layer, n_mels
    "micro": (51864, 1500, 64, 2, 1, 448, 1, 80),
    "tiny": (51864, 1500, 384, 6, 4, 448, 4, 80),
}
FTYPE = {"f32": 0, "f16": 1, "q8_0": 7 + 2 * 1000}  # q8_0 carries ggml's quantization version (2)
TTYPE = {"f32": 0, "f16": 1, "q8_0": 8}  # ggml_type of the tensors


def vocab(n):
    """Token strings: bytes first (so " " and letters exist), then made-up words."""
    words = [bytes([i]) for i in range(256)]
    words += [f" w{i}".encode() for i in range(256, 50256)]
    return words[:n]


def q8_0(a):
    """ggml block_q8_0: per 32 values, an f16 scale then 32 int8."""
    blocks = a.reshape(-1, 32).astype(np.float32)
    amax = np.abs(blocks).max(axis=1)
    d = amax / 127.0
    inv = np.where(d > 0, 1.0 / np.where(d > 0, d, 1), 0)
    q = np.round(blocks * inv[:, None]).astype(np.int8)
    out = np.empty(len(blocks), dtype=[("d", "<f2"), ("q", "i1", 32)])
    out["d"] = d.astype(np.float16)
    out["q"] = q
    return out.tobytes()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--shape", choices=SHAPES, default="micro")
    p.add_argument("--type", choices=FTYPE, default="f32")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("out")
    a = p.parse_args()
    n_vocab, n_audio_ctx, n, n_head, n_audio_layer, n_text_ctx, n_text_layer, n_mels = SHAPES[a.shape]
    rng = np.random.default_rng(a.seed)
    wtype = a.type
    vtype = "f32" if wtype == "f32" else "f16"  # whisper.cpp keeps conv weights in f16 unless f32

    with open(a.out, "wb") as f:
        f.write(struct.pack("<I", 0x67676D6C))
        f.write(struct.pack("<11i", n_vocab, n_audio_ctx, n, n_head, n_audio_layer, n_text_ctx, n, n_head,
                            n_text_layer, n_mels, FTYPE[wtype]))
        filters = rng.uniform(0, 0.02, size=(n_mels, 201)).astype("<f4")
        f.write(struct.pack("<2i", n_mels, 201))
        f.write(filters.tobytes())
        words = vocab(n_vocab)
        f.write(struct.pack("<i", len(words)))
        for w in words:
            f.write(struct.pack("<I", len(w)) + w)

        def tensor(name, shape, ttype, scale=0.02, value=None):
            # shape is ggml's ne (fastest dimension first)
            count = int(np.prod(shape))
            data = np.full(count, value, np.float32) if value is not None else rng.normal(0, scale, count).astype(np.float32)
            f.write(struct.pack("<3i", len(shape), len(name), TTYPE[ttype]))
            f.write(struct.pack(f"<{len(shape)}i", *shape))
            f.write(name.encode())
            if ttype == "f32":
                f.write(data.astype("<f4").tobytes())
            elif ttype == "f16":
                f.write(data.astype("<f2").tobytes())
            else:
                f.write(q8_0(data))

        def norm(prefix, size):
            tensor(prefix + ".weight", [size], "f32", value=1.0)
            tensor(prefix + ".bias", [size], "f32", value=0.0)

        def attention(prefix):
            tensor(prefix + ".query.weight", [n, n], wtype)
            tensor(prefix + ".query.bias", [n], "f32")
            tensor(prefix + ".key.weight", [n, n], wtype)
            tensor(prefix + ".value.weight", [n, n], wtype)
            tensor(prefix + ".value.bias", [n], "f32")
            tensor(prefix + ".out.weight", [n, n], wtype)
            tensor(prefix + ".out.bias", [n], "f32")

        def mlp(prefix):
            norm(prefix + ".mlp_ln", n)
            tensor(prefix + ".mlp.0.weight", [n, 4 * n], wtype)
            tensor(prefix + ".mlp.0.bias", [4 * n], "f32")
            tensor(prefix + ".mlp.2.weight", [4 * n, n], wtype)
            tensor(prefix + ".mlp.2.bias", [n], "f32")

        tensor("encoder.positional_embedding", [n, n_audio_ctx], "f32")
        tensor("encoder.conv1.weight", [3, n_mels, n], vtype)
        tensor("encoder.conv1.bias", [1, n], "f32")
        tensor("encoder.conv2.weight", [3, n, n], vtype)
        tensor("encoder.conv2.bias", [1, n], "f32")
        norm("encoder.ln_post", n)
        def block(prefix, cross):
            mlp(prefix)
            norm(prefix + ".attn_ln", n)
            attention(prefix + ".attn")
            if cross:  # decoder blocks also attend to the encoder's output
                norm(prefix + ".cross_attn_ln", n)
                attention(prefix + ".cross_attn")

        for i in range(n_audio_layer):
            block(f"encoder.blocks.{i}", cross=False)
        tensor("decoder.positional_embedding", [n, n_text_ctx], "f32")
        tensor("decoder.token_embedding.weight", [n, n_vocab], wtype)
        norm("decoder.ln", n)
        for i in range(n_text_layer):
            block(f"decoder.blocks.{i}", cross=True)


if __name__ == "__main__":
    sys.exit(main())
