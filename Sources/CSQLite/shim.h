// The system SQLite (libsqlite3-dev), used by VectorLogicPersonas for personas.sqlite.
#include <sqlite3.h>
