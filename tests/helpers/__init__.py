"""Helpers shared by the test packages (import them from here, not from other test modules)."""
