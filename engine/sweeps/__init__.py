"""Many runs at once: populations, grid sweeps, the live sweep the app watches, and Ray."""
