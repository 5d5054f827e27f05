"""policydiff: see what changed between two versions of a privacy policy."""

__version__ = "0.1.0"
