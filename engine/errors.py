"""The one base class for bad input anywhere in the engine. No torch here.

Every error the user can fix (a spec value, a data file, a checkpoint, an imported file)
derives from :class:`InputError`, so front ends catch one type and print its message.
"""

from __future__ import annotations


class InputError(ValueError):
    """Bad input; the message names the value and the fix."""
