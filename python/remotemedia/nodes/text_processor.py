"""TextProcessorNode: text operations on {"text": ..., "operations": [...]} items."""

from ..node import Node, register_node

_OPERATIONS = {
    "uppercase": lambda t: t.upper(),
    "lowercase": lambda t: t.lower(),
    "reverse": lambda t: t[::-1],
    "word_count": lambda t: len(t.split()),
    "char_count": lambda t: len(t),
    "title_case": lambda t: t.title(),
    "remove_spaces": lambda t: t.replace(" ", ""),
    "first_word": lambda t: t.split()[0] if t.split() else "",
    "last_word": lambda t: t.split()[-1] if t.split() else "",
}


@register_node
class TextProcessorNode(Node):
    """Applies text operations to {"text", "operations"} items (default operation: uppercase).

    Operations: uppercase, lowercase, reverse, word_count, char_count, title_case, remove_spaces,
    first_word, last_word. The optional ``name`` param appears in ``processed_by``."""

    def process(self, data):
        processed_by = f"TextProcessorNode[{self.name}]"
        if not isinstance(data, dict):
            return {"error": "Input must be a dictionary", "input": data, "processed_by": processed_by}
        if "text" not in data:
            return {"error": "Input must contain 'text' key", "input": data, "processed_by": processed_by}
        text = data["text"]
        operations = data.get("operations", ["uppercase"])
        results = {}
        for op in operations:
            fn = _OPERATIONS.get(op)
            if fn is None:
                results[f"unknown_operation_{op}"] = f"Unknown operation: {op}"
            else:
                results[op] = fn(text)
        return {
            "original_text": text,
            "operations": operations,
            "results": results,
            "processed_by": processed_by,
            "node_config": self.config,
        }
