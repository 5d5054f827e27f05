"""The outline engine: named rules over markdown-it-py blocks decide headings, ranks and metadata."""
