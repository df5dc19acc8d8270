"""Domain errors. Each carries a sentence a person can act on; the CLI prints it as `error: ...`."""


class SwitchboardError(Exception):
    """Base of every refusal the domain makes. Its message is shown to the user as is."""


class InvalidInput(SwitchboardError):
    """A value broke a rule (an email, a name, a duration...). Nothing was changed."""


class NotFound(SwitchboardError):
    """A workspace, person, campaign or action named by the user does not exist."""


class Conflict(SwitchboardError):
    """The change clashes with data that exists (a duplicate name, an identifier in use...)."""


class ChangedElsewhere(Conflict):
    """Someone else changed the record since it was loaded: reload and try again."""


class DatabaseError(SwitchboardError):
    """The database cannot be opened or used (newer schema, unreachable server...)."""
