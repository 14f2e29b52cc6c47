"""The client sync engine: push the outbox, pull and merge pages (no Qt)."""
