"""``python -m torchplay``: the same front door as the ``torchplay`` command."""

from torchplay.tui.cli import main

raise SystemExit(main())
