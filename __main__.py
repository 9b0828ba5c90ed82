"""``python -m torchplay``: the same front door as the ``torchplay`` command."""

from torchplay.tui.cli.main import main

raise SystemExit(main())
