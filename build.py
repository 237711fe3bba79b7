#!/usr/bin/env python3
"""Instructors' entry point: validate, build, serve and test this scenario (see README.md)."""

import sys

from scenario.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
