"""Widgets: they render what core returns and post messages; they never wait on the database."""
