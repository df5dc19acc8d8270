"""Switchboard: a terminal app for running customer-messaging workspaces."""

__version__ = "0.1.0"
