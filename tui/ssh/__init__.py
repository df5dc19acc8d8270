"""The SSH server that serves the app: one app process on its own pseudo-terminal per session.

Only this package imports asyncssh (in its submodules); the app learns who is connected from
the environment variable below, which the server sets for each session's app process.
"""

SSH_USER_ENV = "SWITCHBOARD_SSH_USER"
