#!/usr/bin/env python3
"""Generated speech through Resample -> VAD: espeak-ng speaks a sentence (22.05 kHz), sox pads it
with known silence, and the speech segment VADNode finds must start and end where the speech is.
Runs against every CLI given (native, WASI runner); they must also agree exactly.

Usage: check_speech_vad.py CLI [CLI...]   (each CLI may be a command with arguments)
"""
import json
import os
import shlex
import subprocess
import sys
import tempfile

LEAD, TAIL = 1.2, 0.8  # seconds of silence around the speech
MANIFEST = {"version": "v1", "metadata": {"name": "speech-vad"},
            "nodes": [{"id": "resample", "node_type": "AudioResampleNode", "params": {"target_sample_rate": 16000, "channels": 1}},
                      {"id": "vad", "node_type": "VADNode"}],
            "connections": [{"from": "resample", "to": "vad"}]}


def main(clis):
    with tempfile.TemporaryDirectory(dir=os.getcwd()) as tmp:
        speech = os.path.join(tmp, "speech.wav")
        subprocess.run(["espeak-ng", "-w", speech, "The quick brown fox jumps over the lazy dog."], check=True)
        # espeak leaves a little silence of its own: trim it so the speech bounds are known.
        trimmed = os.path.join(tmp, "trimmed.wav")
        subprocess.run(["sox", speech, "-r", "22050", trimmed, "silence", "1", "0.01", "0.5%", "reverse",
                        "silence", "1", "0.01", "0.5%", "reverse"], check=True)
        duration = float(subprocess.run(["soxi", "-D", trimmed], capture_output=True, text=True, check=True).stdout)
        padded = os.path.join(tmp, "padded.wav")
        subprocess.run(["sox", trimmed, padded, "pad", str(LEAD), str(TAIL)], check=True)
        with open(os.path.join(tmp, "vad.json"), "w") as f:
            json.dump(MANIFEST, f)
        results = []
        for cli in clis:
            rel = os.path.relpath(tmp)
            out = subprocess.run(shlex.split(cli) + ["run", f"{rel}/vad.json", "-i", f"{rel}/padded.wav"],
                                 capture_output=True, text=True)
            if out.returncode != 0:
                sys.exit(f"{cli}: exit {out.returncode}: {out.stderr}")
            results.append(json.loads(out.stdout)["outputs"])
        segments = results[0][0]["segments"]
        print(f"speech {LEAD:.2f}..{LEAD + duration:.2f} s; VAD segments {segments}")
        problems = []
        if not segments:
            problems.append("no speech found")
        else:
            start, end = segments[0]["start"], segments[-1]["end"]
            if not LEAD - 0.15 <= start <= LEAD + 0.1:
                problems.append(f"speech starts at {LEAD}, VAD says {start}")
            if not LEAD + duration - 0.3 <= end <= LEAD + duration + 0.15:
                problems.append(f"speech ends at {LEAD + duration:.2f}, VAD says {end}")
        for cli, r in zip(clis[1:], results[1:]):
            if r != results[0]:
                problems.append(f"{cli} differs from {clis[0]}: {r} vs {results[0]}")
        if problems:
            sys.exit("FAIL: " + "; ".join(problems))
        print("ok")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
