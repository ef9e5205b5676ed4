"""Recap: an offline transcript summarizer (PySide6 + qasync + llama.cpp)."""

__version__ = "0.1.0"
