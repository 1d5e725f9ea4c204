"""whisper.cpp's ggml model format: one writer for the real-model converter (fetch-whisper-model)
and the synthetic models (make-whisper-model.py).

Layout (what whisper.cpp 1.9.1's loader reads): magic, 11 int32 hparams, the mel filter bank
(n_mels x 201 f32), the vocabulary (count, then length-prefixed token bytes), then tensors (n_dims,
name length, ggml type, ne[] fastest dimension first, name, data). Which tensors are f32, which
take the model's weight type and which stay f16 follows whisper.cpp's own converter and quantizer,
because the loader checks every tensor's size against the type it expects.
"""
import struct

import numpy as np

MAGIC = 0x67676D6C
QNT_VERSION = 2  # ggml's GGML_QNT_VERSION: carried in the ftype of quantized models
FTYPE = {"f32": 0, "f16": 1, "q5_1": 9, "q8_0": 7}  # ggml_ftype of the whole model
TTYPE = {"f32": 0, "f16": 1, "q5_1": 7, "q8_0": 8}  # ggml_type of one tensor
QUANTIZED = ("q5_1", "q8_0")
# whisper.cpp's quantizer leaves these (and every tensor that is not 2-D) as they are
KEEP_F32 = ("encoder.conv1.bias", "encoder.conv2.bias", "encoder.positional_embedding", "decoder.positional_embedding")


def model_ftype(wtype):
    return FTYPE[wtype] + (QNT_VERSION * 1000 if wtype in QUANTIZED else 0)


def tensor_type(name, ne, wtype):
    """The type whisper.cpp expects for tensor `name` (ggml shape `ne`) in a model of weight type `wtype`."""
    if len(ne) < 2 or name in KEEP_F32:
        return "f32"
    if len(ne) == 3:  # the convolutions: f16 unless the whole model is f32
        return "f32" if wtype == "f32" else "f16"
    return wtype


def round_away(x):
    """C's roundf (half away from zero), as ggml's reference quantizers round."""
    return np.sign(x) * np.floor(np.abs(x) + 0.5)


def q8_0(a):
    """ggml block_q8_0: per 32 values, an f16 scale then 32 int8."""
    blocks = np.asarray(a, np.float32).reshape(-1, 32)
    d = np.abs(blocks).max(axis=1) / 127.0
    inv = np.divide(1.0, d, out=np.zeros_like(d), where=d > 0)
    out = np.empty(len(blocks), dtype=[("d", "<f2"), ("q", "i1", 32)])
    out["d"] = d.astype(np.float16)
    out["q"] = round_away(blocks * inv[:, None]).astype(np.int8)
    return out.tobytes()


def q5_1(a):
    """ggml block_q5_1: per 32 values, f16 scale and minimum, the 32 fifth bits, then 16 bytes of
    nibbles (value j in the low nibble, value j+16 in the high one)."""
    blocks = np.asarray(a, np.float32).reshape(-1, 32)
    lo, hi = blocks.min(axis=1), blocks.max(axis=1)
    d = (hi - lo) / 31.0
    inv = np.divide(1.0, d, out=np.zeros_like(d), where=d != 0)
    q = np.floor((blocks - lo[:, None]) * inv[:, None] + 0.5).astype(np.uint32)  # (uint8)(x + 0.5f), x >= 0
    q = np.minimum(q, 31)
    bits = (q >> 4) & 1
    qh = (bits << np.arange(32, dtype=np.uint32)).sum(axis=1, dtype=np.uint64).astype("<u4")
    qs = ((q[:, :16] & 0xF) | ((q[:, 16:] & 0xF) << 4)).astype(np.uint8)
    out = np.empty(len(blocks), dtype=[("d", "<f2"), ("m", "<f2"), ("qh", "<u4"), ("qs", "u1", 16)])
    out["d"] = d.astype(np.float16)
    out["m"] = lo.astype(np.float16)
    out["qh"] = qh
    out["qs"] = qs
    return out.tobytes()


def encode(data, ttype):
    if ttype == "f32":
        return np.asarray(data, "<f4").tobytes()
    if ttype == "f16":
        return np.asarray(data, np.float32).astype("<f2").tobytes()
    return {"q8_0": q8_0, "q5_1": q5_1}[ttype](data)


def mel_filters_slaney(sample_rate=16000, n_fft=400, n_mels=80):
    """The mel filter bank Whisper was trained with: Slaney's mel scale and area normalization
    (librosa.filters.mel's defaults), n_mels x (1 + n_fft/2)."""
    def hz_to_mel(f):
        f = np.asarray(f, np.float64)
        lin = f / (200.0 / 3)
        return np.where(f >= 1000.0, 15.0 + np.log(np.maximum(f, 1e-10) / 1000.0) / (np.log(6.4) / 27.0), lin)

    def mel_to_hz(m):
        m = np.asarray(m, np.float64)
        lin = m * (200.0 / 3)
        return np.where(m >= 15.0, 1000.0 * np.exp((np.log(6.4) / 27.0) * (m - 15.0)), lin)

    fft_freqs = np.linspace(0, sample_rate / 2, 1 + n_fft // 2)
    mel_f = mel_to_hz(np.linspace(hz_to_mel(0.0), hz_to_mel(sample_rate / 2), n_mels + 2))
    fdiff = np.diff(mel_f)
    ramps = mel_f[:, None] - fft_freqs[None, :]
    lower = -ramps[:-2] / fdiff[:-1, None]
    upper = ramps[2:] / fdiff[1:, None]
    weights = np.maximum(0, np.minimum(lower, upper))
    weights *= (2.0 / (mel_f[2 : n_mels + 2] - mel_f[:n_mels]))[:, None]
    return weights.astype(np.float32)


class Writer:
    """Writes one model to a binary file object, in the order the loader reads."""

    def __init__(self, f, wtype):
        self.f, self.wtype = f, wtype

    def header(self, n_vocab, n_audio_ctx, n_audio_state, n_audio_head, n_audio_layer, n_text_ctx, n_text_state,
               n_text_head, n_text_layer, n_mels):
        self.f.write(struct.pack("<I", MAGIC))
        self.f.write(struct.pack("<11i", n_vocab, n_audio_ctx, n_audio_state, n_audio_head, n_audio_layer, n_text_ctx,
                                 n_text_state, n_text_head, n_text_layer, n_mels, model_ftype(self.wtype)))

    def filters(self, bank):
        bank = np.asarray(bank, "<f4")
        self.f.write(struct.pack("<2i", *bank.shape))
        self.f.write(bank.tobytes())

    def vocab(self, tokens):
        """tokens: the byte strings of the ordinary tokens (whisper.cpp names the special ones itself)."""
        self.f.write(struct.pack("<i", len(tokens)))
        for t in tokens:
            self.f.write(struct.pack("<I", len(t)) + t)

    def tensor(self, name, data, ne=None):
        """data: a numpy array in PyTorch's layout (slowest dimension first); ne defaults to its shape reversed."""
        ne = list(ne if ne is not None else reversed(np.shape(data)))
        ttype = tensor_type(name, ne, self.wtype)
        if ttype in QUANTIZED and ne[0] % 32:
            raise ValueError(f"{name}: rows of {ne[0]} values do not split into {ttype} blocks of 32")
        self.f.write(struct.pack("<3i", len(ne), len(name.encode()), TTYPE[ttype]))
        self.f.write(struct.pack(f"<{len(ne)}i", *ne))
        self.f.write(name.encode())
        self.f.write(encode(data, ttype))
