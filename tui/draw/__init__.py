"""Drawing without Textual: plotext charts, glyph sets and rich progress text.
Never imports textual, torch or numpy.
"""
