"""Front ends: the `newsbot` command line and the Telegram bot."""
