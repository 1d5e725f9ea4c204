from remotemedia import Audio, Node, register_node


@register_node
class Describe(Node):
    """Reads arrays through the buffer protocol only, so it runs natively (numpy arrays) and
    inside the wasm (memoryviews) alike."""

    def process(self, data):
        array = data.samples if isinstance(data, Audio) else data
        view = memoryview(array)
        flat = view.cast("B").cast(view.format)
        return {
            "audio": isinstance(data, Audio),
            "sample_rate": data.sample_rate if isinstance(data, Audio) else None,
            "format": view.format,
            "shape": list(view.shape),
            "readonly": view.readonly,
            "sum": sum(flat),
        }


@register_node
class Identity(Node):
    def process(self, data):
        return data
