"""Storage: the workspace file (SQLite by default) through SQLAlchemy 2 Core tables."""
