"""The comparison engine. Pure Python: never imports Qt."""
