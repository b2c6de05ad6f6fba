// The SQLite schema as an ordered list of versioned migrations. A migration is never edited once
// it has shipped: a change of schema is a new entry at the end.
// Thread-safety: immutable data.
#pragma once

#include <span>

namespace goatherd::sqlite {

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

std::span<const Migration> Migrations();

}  // namespace goatherd::sqlite
