"""The engine process: its events, the torch-free client the app holds, the worker, time travel.

``events`` and ``client`` never import torch.
"""
