"""Results to the formats people paste and publish. Pure Python, no Qt."""

from .checks import platform_checks
from .formats import FORMATS, ExportError, ExportFormat, render, spans
from .markdown import to_markdown

__all__ = ["FORMATS", "ExportError", "ExportFormat", "platform_checks", "render", "spans", "to_markdown"]
