// System libsqlite3 (libsqlite3-dev). Used only by the SQLite log store.
#ifndef CERTLEDGER_CSQLITE_SHIM_H
#define CERTLEDGER_CSQLITE_SHIM_H
#include <sqlite3.h>

// SQLITE_TRANSIENT is a macro cast Swift cannot import.
static inline void (*certledger_sqlite_transient(void))(void *) { return SQLITE_TRANSIENT; }
#endif
