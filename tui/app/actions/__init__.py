"""Key-driven features mixed into the app: files, help, the lab (fork, baseline) and time travel."""
