from remotemedia import Node, register_node


@register_node
class Faulty(Node):
    def process(self, data):
        if data == 3:
            raise ValueError(f"cannot handle {data}")
        return data


@register_node
class ReturnsASet(Node):
    def process(self, data):
        return {data}


@register_node
class NeedsRate(Node):
    def __init__(self, rate):
        super().__init__()
        self.rate = rate

    def process(self, data):
        return data
