"""Sample data for the demo, the screenshots and the tests (written through the store)."""
