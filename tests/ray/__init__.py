"""Tests that start real Ray processes (run by ``make test-ray``, inside ``unshare -n``)."""
