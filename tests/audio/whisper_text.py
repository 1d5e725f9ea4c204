"""What the real-model Whisper checks (and bench/) share: word normalization, word error rate, a
manifest derived from examples/transcribe.json with another model, the `__audio__` item, and
espeak-ng speech of Harvard sentences."""
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


def rate(errors, n):
    """Errors over reference words, in percent (pooled or not)."""
    return 100.0 * errors / max(n, 1)


def wer(reference, hypothesis):
    """Word error rate in percent: word-level edit distance over the reference's length."""
    return rate(*word_errors(reference, hypothesis))


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


# Harvard sentences (IEEE 1969): lists 1 and 2 (some 44 s of espeak-ng speech), and 3 and 4.
HARVARD = ("The birch canoe slid on the smooth planks. Glue the sheet to the dark blue background. "
           "It is easy to tell the depth of a well. These days a chicken leg is a rare dish. "
           "Rice is often served in round bowls. The juice of lemons makes fine punch. "
           "The box was thrown beside the parked truck. The hogs were fed chopped corn and garbage. "
           "Four hours of steady work faced us. A large size in stockings is hard to sell. "
           "The boy was there when the sun rose. A rod is used to catch pink salmon. "
           "The source of the huge river is the clear spring. Kick the ball straight and follow through. "
           "Help the woman get back to her feet. A pot of tea helps to pass the evening.")
HARVARD_3_4 = ("The small pup gnawed a hole in the sock. The fish twisted and turned on the bent hook. "
               "Press the pants and sew a button on the vest. The swan dive was far short of perfect. "
               "The beauty of the view stunned the young boy. Two blue fish swam in the tank. "
               "Her purse was full of useless trash. The colt reared and threw the tall rider. "
               "It snowed, rained, and hailed the same morning. Read verse out loud for pleasure. "
               "Hoist the load to your left shoulder. Take the winding path to reach the lake. "
               "Note closely the size of the gas tank. Wipe the grease off his dirty face. "
               "Mend the coat before you go out. The wrist was badly strained and hung limp. "
               "The stray cat gave birth to kittens. The young girl gave no clear response. "
               "The meal was cooked before the bell rang. What joy there is in living.")


def say(text, path, voice=None):
    """espeak-ng speaks `text` into `path`, a 16 kHz mono 16-bit WAV file."""
    raw = path + ".raw.wav"
    subprocess.run(["espeak-ng", "-s", "150", "-w", raw] + (["-v", voice] if voice else []) + [text], check=True)
    # -D: no dither (random noise), so the same text makes the same samples on every run
    subprocess.run(["sox", "-D", raw, "-r", "16000", "-c", "1", "-b", "16", path], check=True)
    os.unlink(raw)
