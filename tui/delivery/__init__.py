"""Delivery: transports (SMTP for now) and the outbox worker, over `tui.core.outbox`."""
