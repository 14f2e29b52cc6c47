"""The pages of the main window, one module each, all built from the one ``AppContext``."""
