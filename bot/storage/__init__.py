"""Storage: the SQLite connection, the migration runner and the repository (all SQL lives here)."""
