"""Results to text formats. Pure Python."""

from .markdown import to_markdown

__all__ = ["to_markdown"]
