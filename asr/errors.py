"""The project's one exception type: a user mistake that the CLI shows as one red line."""


class ASRError(Exception):
    """Bad input or environment, with a message that names the problem and the fix."""
