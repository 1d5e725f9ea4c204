from remotemedia import Node, register_node


@register_node
class WordSplitter(Node):
    """Emits each word of a text, then the word count at end of input."""

    def __init__(self, **config):
        super().__init__(**config)
        self.words = 0

    def process(self, text):
        for word in text.split():
            self.words += 1
            yield {"text": word}

    def flush(self):
        yield {"words": self.words}
