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
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import whisper_ggml  # noqa: E402

SHAPES = {
    # n_vocab, n_audio_ctx, n_state, n_head, n_audio_layer, n_text_ctx, n_text_layer, n_mels
    "micro": (51864, 1500, 64, 2, 1, 448, 1, 80),
    "tiny": (51864, 1500, 384, 6, 4, 448, 4, 80),
}


def vocab(n):
    """Token strings: bytes first (so " " and letters exist), then made-up words."""
    words = [bytes([i]) for i in range(256)]
    words += [f" w{i}".encode() for i in range(256, 50256)]
    return words[:n]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--shape", choices=SHAPES, default="micro")
    p.add_argument("--type", choices=("f32", "f16", "q8_0"), default="f32")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("out")
    a = p.parse_args()
    n_vocab, n_audio_ctx, n, n_head, n_audio_layer, n_text_ctx, n_text_layer, n_mels = SHAPES[a.shape]
    rng = np.random.default_rng(a.seed)

    with open(a.out, "wb") as f:
        w = whisper_ggml.Writer(f, a.type)
        w.header(n_vocab, n_audio_ctx, n, n_head, n_audio_layer, n_text_ctx, n, n_head, n_text_layer, n_mels)
        w.filters(rng.uniform(0, 0.02, size=(n_mels, 201)))
        w.vocab(vocab(n_vocab))

        def tensor(name, shape, scale=0.02, value=None):
            # shape is ggml's ne (fastest dimension first); the type follows whisper.cpp's rules
            count = int(np.prod(shape))
            data = np.full(count, value, np.float32) if value is not None else rng.normal(0, scale, count).astype(np.float32)
            w.tensor(name, data, ne=shape)

        def norm(prefix, size):
            tensor(prefix + ".weight", [size], value=1.0)
            tensor(prefix + ".bias", [size], value=0.0)

        def attention(prefix):
            tensor(prefix + ".query.weight", [n, n])
            tensor(prefix + ".query.bias", [n])
            tensor(prefix + ".key.weight", [n, n])
            tensor(prefix + ".value.weight", [n, n])
            tensor(prefix + ".value.bias", [n])
            tensor(prefix + ".out.weight", [n, n])
            tensor(prefix + ".out.bias", [n])

        def mlp(prefix):
            norm(prefix + ".mlp_ln", n)
            tensor(prefix + ".mlp.0.weight", [n, 4 * n])
            tensor(prefix + ".mlp.0.bias", [4 * n])
            tensor(prefix + ".mlp.2.weight", [4 * n, n])
            tensor(prefix + ".mlp.2.bias", [n])

        tensor("encoder.positional_embedding", [n, n_audio_ctx])
        tensor("encoder.conv1.weight", [3, n_mels, n])
        tensor("encoder.conv1.bias", [1, n])
        tensor("encoder.conv2.weight", [3, n, n])
        tensor("encoder.conv2.bias", [1, n])
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
        tensor("decoder.positional_embedding", [n, n_text_ctx])
        tensor("decoder.token_embedding.weight", [n, n_vocab])
        norm("decoder.ln", n)
        for i in range(n_text_layer):
            block(f"decoder.blocks.{i}", cross=True)


if __name__ == "__main__":
    sys.exit(main())
