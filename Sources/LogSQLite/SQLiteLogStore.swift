// SQLite log store.
