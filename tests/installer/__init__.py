"""Tests of the installers and of the administrator's guide."""
