"""The desktop window: the only package importing PySide6."""
