"""The span reader: a small encoder trained here on SQuAD that reads a question with a window of a
passage's sentences and returns the answer span and how likely the window holds an answer at all.

`model.py` runs the shipped int8 ONNX model; `train.py` (the `train` extra, never run in CI) makes it.
"""
