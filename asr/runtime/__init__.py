"""The torch-free runtime: the ONNX acoustic model, its units and lexicon, decoding graphs and
search (numpy, onnxruntime, kaldifst, kaldi-decoder). Imports nothing from the layers above."""

from asr.runtime.recognizer import ModelInfo, Recognizer, Transcript

__all__ = ["ModelInfo", "Recognizer", "Transcript"]
