"""The headless front door: the parser, flags, every command, progress and interrupts.

Never imports textual: only ``main`` opens the app, lazily, when asked to.
"""
