"""Imported by argv_exit.py from the script's own directory."""
VALUE = 42
