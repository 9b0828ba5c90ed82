"""Key-driven features mixed into the app: the run keys, files, help, and the lab (time
travel, fork, baseline, neurons, paint)."""
