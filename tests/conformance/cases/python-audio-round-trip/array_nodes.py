import numpy as np

from remotemedia import Audio, Node, register_node


@register_node
class Identity(Node):
    def process(self, data):
        return data


@register_node
class Gain(Node):
    """Scales audio, and checks what the runtime hands in: a read-only float32 view of shape
    (frames, channels), shared with the runtime."""

    def __init__(self, gain=2.0, **config):
        super().__init__(gain=gain, **config)
        self.gain = gain

    def process(self, audio):
        assert isinstance(audio, Audio) and audio.samples.dtype == np.float32
        assert audio.samples.shape == (audio.frames, audio.channels) and not audio.samples.flags.writeable
        return Audio((audio.samples * self.gain).astype(np.float32), audio.sample_rate)


@register_node
class Transpose(Node):
    def process(self, array):
        assert isinstance(array, np.ndarray)
        return array.T  # a strided view: the runtime makes it contiguous
