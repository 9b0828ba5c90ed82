"""The app's screens: compare, confirm, the load picker, the lr finder and the sweep screen."""
