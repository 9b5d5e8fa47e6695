"""The SQLite database backend: Django's, with a finer wait for the write lock (see base)."""
