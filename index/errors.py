"""Lede's errors. A caller catches a subclass only where it acts differently.

    LedeError
    ├── ConfigError          settings that cannot work (unknown model, bad database URL)
    ├── InputError           a file or document that cannot be read
    ├── FetchError           a URL could not be fetched
    │   └── SourceRefused    a URL is not allowed (scheme, private network, size)
    ├── NotAllowed           a user tried something reserved for admins
    └── NothingFound         the sources hold nothing relevant
"""


class LedeError(Exception):
    """Root of every error Lede raises on purpose; its message tells the user what to do."""


class ConfigError(LedeError):
    pass


class InputError(LedeError):
    pass


class FetchError(LedeError):
    pass


class SourceRefused(FetchError):
    pass


class NotAllowed(LedeError):
    pass


class NothingFound(LedeError):
    pass
