"""What the real-model Whisper checks (and bench/) share: word normalization, word error rate, a
manifest derived from examples/transcribe.json with another model, and the `__audio__` item."""
import base64
import json
import os
import re
import shlex
import subprocess

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODELS = {"f16": "ggml-tiny.en.bin", "q8_0": "ggml-tiny.en-q8_0.bin", "q5_1": "ggml-tiny.en-q5_1.bin"}


def words(text):
    """Lower case, no punctuation ("country." == "Country"), numbers kept as written."""
    return re.sub(r"[^a-z0-9' ]+", " ", text.lower().replace("-", " ")).split()


def word_errors(reference, hypothesis):
    """(word-level edit distance, reference words): the parts of a WER, to pool over recordings."""
    ref, hyp = words(reference), words(hypothesis)
    prev = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        cur = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r != h))
        prev = cur
    return prev[-1], len(ref)


def wer(reference, hypothesis):
    """Word error rate in percent: word-level edit distance over the reference's length."""
    errors, n = word_errors(reference, hypothesis)
    return 100.0 * errors / max(n, 1)


def transcribe_manifest(folder, model_path):
    """examples/transcribe.json with `model` pointing at model_path; written into folder."""
    with open(os.path.join(REPO, "examples", "transcribe.json")) as f:
        manifest = json.load(f)
    whisper = next(n for n in manifest["nodes"] if n["node_type"] == "WhisperNode")
    whisper["params"]["model"] = os.path.relpath(model_path, folder)
    path = os.path.join(folder, "transcribe.json")
    with open(path, "w") as f:
        json.dump(manifest, f)
    return path


def transcribe(cli, manifest, wav):
    """Runs `CLI run MANIFEST -i WAV` from the repo (WASI hosts map it); (result JSON, None) or (None, error)."""
    r = subprocess.run(shlex.split(cli) + ["run", manifest, "-i", os.path.relpath(wav, REPO)], cwd=REPO,
                       capture_output=True, text=True)
    if r.returncode != 0:
        return None, f"exit {r.returncode}: {r.stderr.strip()[-800:]}"
    return json.loads(r.stdout), None


def audio_item(samples):
    """16 kHz mono float32 samples (array.array('f')) as one `__audio__` item, a line of NDJSON input."""
    data = base64.b64encode(samples.tobytes()).decode()
    return json.dumps({"__audio__": True, "audio": {"meta": {"dtype": "float32", "sample_rate": 16000,
                                                             "channels": 1, "frames": len(samples)}, "data": data}})
