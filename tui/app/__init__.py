"""The Textual app: the App, its keys, settings and status line.
Widgets live in ``widgets``, screens in ``screens``, key-driven features in ``actions``.
"""
