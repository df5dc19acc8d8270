"""The domain of Switchboard. Never imports textual: the CLI, the app and tests all use it."""
