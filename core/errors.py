"""The errors newsbot raises; each message says what went wrong and what to do."""


class NewsbotError(Exception):
    """Base of every error a user can act on; front ends show str(error) as one line."""


class ConfigError(NewsbotError):
    """A setting is missing or wrong."""


class StoreError(NewsbotError):
    """The article store cannot be opened, read or written."""


class InputError(NewsbotError):
    """An input file or record cannot be read as an article."""

    def __init__(self, where: str, reason: str):
        super().__init__(f"{where}: {reason}")
        self.where = where
        self.reason = reason


class IngestBusyError(StoreError):
    """Another ingest is writing to the same store."""
