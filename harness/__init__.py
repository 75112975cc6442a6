"""Measuring tools for newsbot: `newsbot eval` and `newsbot bench` (extra: newsbot[bench])."""
