"""The domain of Switchboard. Never imports textual: the CLI, the app and tests all use it.

The rules that docstrings and tests cite by code (W1, P3, C4, ...) are stated once, in RULES.md
beside this file.
"""
