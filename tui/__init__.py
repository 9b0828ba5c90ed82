"""torchplay's presentation: the command line front door, headless progress, the Textual app."""
