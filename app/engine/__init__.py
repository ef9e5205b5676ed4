"""The local model. llama_cpp is imported in this package and nowhere else, and only when a model loads."""

from .errors import EngineError, GenerationCancelled, PromptTooLong
from .llama_engine import LlamaEngine, ModelInfo, RequestStats, Sampling
from .protocol import Engine

__all__ = [
    "Engine",
    "EngineError",
    "GenerationCancelled",
    "PromptTooLong",
    "LlamaEngine",
    "ModelInfo",
    "RequestStats",
    "Sampling",
]
