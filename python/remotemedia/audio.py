"""Audio as Python nodes see it."""


class Audio:
    """Audio samples with their rate.

    ``samples`` is float32 with shape ``(frames, channels)`` (numpy natively; a memoryview of that
    format and shape where numpy is not available). Arrays the runtime hands in are read-only
    views of its own buffer (no copy): make a copy to change them.
    """

    __slots__ = ("samples", "sample_rate")

    def __init__(self, samples, sample_rate):
        self.samples = samples
        self.sample_rate = int(sample_rate)

    @property
    def channels(self):
        return self.samples.shape[1] if len(self.samples.shape) > 1 else 1

    @property
    def frames(self):
        return self.samples.shape[0]

    @property
    def duration(self):
        return self.frames / self.sample_rate if self.sample_rate else 0.0

    def __repr__(self):
        return f"Audio(frames={self.frames}, channels={self.channels}, sample_rate={self.sample_rate})"
