"""WhisperNode from Python (in the module when built with RM_WHISPER=ON pip install .): the same
transcription as the CLI, from audio passed in as remotemedia.Audio."""

import json
import pathlib
import wave

import numpy as np
import pytest

from remotemedia import Audio, Pipeline, nodes

ROOT = pathlib.Path(__file__).resolve().parents[2]
CASE = ROOT / "tests/conformance/cases/whisper-micro-transcribe"

pytestmark = pytest.mark.skipif(not hasattr(nodes, "WhisperNode"),
                                reason="module built without WhisperNode (RM_WHISPER=ON pip install . adds it)")


def test_whisper_node_transcribes_an_audio_object_like_the_cli_transcribes_the_wav(cli):
    with wave.open(str(CASE / "in.wav")) as w:
        assert w.getsampwidth() == 2
        pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
        audio = Audio((pcm.astype(np.float32) / 32768).reshape(-1, w.getnchannels()), w.getframerate())
    p = Pipeline.from_manifest(CASE / "manifest.json")
    code, response = cli("run", str(CASE / "manifest.json"), "-i", str(CASE / "in.wav"))
    assert code == 0
    assert p.run([audio]) == response["outputs"]
    assert json.loads((CASE / "expected.json").read_text())["outputs"] == response["outputs"]
