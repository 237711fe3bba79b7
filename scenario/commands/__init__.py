"""Subcommands of build.py, one module each."""
