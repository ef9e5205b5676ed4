"""Reading transcript files into a Transcript. Pure Python: never imports Qt or llama_cpp."""

from .model import Segment, Segments, SegmentView, Transcript, TranscriptError
from .reader import read_file, read_text
from .timefmt import display_time, hms

__all__ = [
    "Segment",
    "Segments",
    "SegmentView",
    "Transcript",
    "TranscriptError",
    "read_file",
    "read_text",
    "display_time",
    "hms",
]
