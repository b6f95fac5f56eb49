// The soft keystore's key files kept in the store's database (migration 15's key_files table),
// for nodes that share no folder: each file as it would be on disk, encrypted under the KEK.
#pragma once

#include <memory>

#include "keys/key_files.h"
#include "store/sql.h"

namespace eseal::store {

// `db` must outlive the key files.
std::shared_ptr<keys::KeyFiles> open_database_key_files(sql::Database& db);

}  // namespace eseal::store
