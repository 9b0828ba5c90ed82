"""What is written and read: atomic writes, checkpoint headers, checkpoints and their validation,
import of tutorial models, exports, and the metric loggers.
"""
