"""The Track API server (issue 12): Customer.io-compatible, thin over tui.core."""
