"""(being written: see ops/__init__.py)"""
