#include "store/migrations.h"

#include <array>

namespace eseal::store {
namespace {

constexpr std::string_view kInitialSchema = R"sql(
CREATE TABLE organizations (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  credit_code TEXT UNIQUE,
  created_at BIGINT NOT NULL
);

CREATE TABLE apps (
  id TEXT PRIMARY KEY,
  syscode TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  org_id TEXT REFERENCES organizations (id),
  authcode_hash TEXT NOT NULL,
  hmac_key_sealed TEXT NOT NULL,
  cert_pem TEXT NOT NULL,
  scopes TEXT NOT NULL,
  enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
  created_at BIGINT NOT NULL,
  rotated_at BIGINT NOT NULL
);

CREATE TABLE certificates (
  id TEXT PRIMARY KEY,
  subject TEXT NOT NULL,
  issuer TEXT NOT NULL,
  serial TEXT NOT NULL,
  not_before BIGINT NOT NULL,
  not_after BIGINT NOT NULL,
  pem TEXT NOT NULL
);
CREATE INDEX certificates_subject ON certificates (subject);

CREATE TABLE keys (
  id TEXT PRIMARY KEY,
  location TEXT NOT NULL,
  public_key TEXT NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE seals (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  type INTEGER NOT NULL,
  org_id TEXT REFERENCES organizations (id),
  app_id TEXT REFERENCES apps (id),
  signer_dn TEXT NOT NULL,
  seal_sm3 TEXT NOT NULL,
  cert_id TEXT REFERENCES certificates (id),
  key_id TEXT REFERENCES keys (id),
  valid_start BIGINT NOT NULL,
  valid_end BIGINT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('valid', 'frozen', 'lost', 'revoked', 'expired')),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX seals_signer_dn ON seals (signer_dn);
CREATE INDEX seals_app_id ON seals (app_id);

CREATE TABLE documents (
  id TEXT PRIMARY KEY,
  app_id TEXT REFERENCES apps (id),
  biznum TEXT NOT NULL,
  blob_sm3 TEXT NOT NULL,
  size BIGINT NOT NULL,
  format TEXT NOT NULL CHECK (format IN ('pdf', 'ofd')),
  created_at BIGINT NOT NULL
);
CREATE INDEX documents_biznum ON documents (app_id, biznum);

CREATE TABLE nonces (
  app_id TEXT NOT NULL REFERENCES apps (id),
  random TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  PRIMARY KEY (app_id, random)
);
CREATE INDEX nonces_expires_at ON nonces (expires_at);

CREATE TABLE audit (
  id BIGINT PRIMARY KEY,
  logged_at BIGINT NOT NULL,
  actor TEXT NOT NULL,
  operation TEXT NOT NULL,
  object TEXT NOT NULL,
  detail TEXT NOT NULL,
  biznum TEXT NOT NULL,
  hash TEXT NOT NULL
);
)sql";

// One row: a MAC under the data folder's KEK (secret_box.h, kek_check_value), so that a KEK
// that is not the folder's is told apart at open instead of failing secret by secret.
constexpr std::string_view kKekCheck = R"sql(
CREATE TABLE kek_check (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  value TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
)sql";

// Every time-stamp token the authority issued (GB/T 20520 keeps them): its serial (hex, the
// primary key: a serial is never issued twice, whichever process drew it), genTime, the imprint,
// who asked, and the token itself in base64.
constexpr std::string_view kTimeStamps = R"sql(
CREATE TABLE time_stamps (
  serial TEXT PRIMARY KEY,
  gen_time BIGINT NOT NULL,
  hash_algorithm TEXT NOT NULL,
  imprint TEXT NOT NULL,
  requester TEXT NOT NULL,
  token TEXT NOT NULL
);
CREATE INDEX time_stamps_gen_time ON time_stamps (gen_time);
)sql";

// The one task model (store.h TaskRecord): 0 in expires_at and next_attempt_at means none.
constexpr std::string_view kTasks = R"sql(
CREATE TABLE tasks (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  app_id TEXT NOT NULL,
  subject TEXT NOT NULL,
  reference TEXT NOT NULL,
  state TEXT NOT NULL,
  payload TEXT NOT NULL,
  result TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  attempts BIGINT NOT NULL,
  next_attempt_at BIGINT NOT NULL
);
CREATE INDEX tasks_kind_state ON tasks (kind, state, created_at);
CREATE INDEX tasks_kind_subject ON tasks (kind, subject, created_at);
CREATE INDEX tasks_kind_reference ON tasks (kind, reference);
CREATE INDEX tasks_expiry ON tasks (kind, expires_at);
CREATE INDEX tasks_due ON tasks (kind, next_attempt_at);
)sql";

// COSS credentials on an app: its secureCode sealed under the KEK ('' for none).
constexpr std::string_view kCossSecureCode = R"sql(
ALTER TABLE apps ADD COLUMN secure_code_sealed TEXT NOT NULL DEFAULT '';
)sql";

// COSS users (store.h CossUser): the id number sealed, with a keyed index to find it.
constexpr std::string_view kCossUsers = R"sql(
CREATE TABLE coss_users (
  id TEXT PRIMARY KEY,
  app_id TEXT NOT NULL REFERENCES apps (id),
  name TEXT NOT NULL,
  id_type TEXT NOT NULL,
  id_number_sealed TEXT NOT NULL,
  id_number_index TEXT NOT NULL,
  mobile TEXT NOT NULL,
  department TEXT NOT NULL,
  unique_id TEXT NOT NULL,
  sign_image TEXT NOT NULL,
  require_cert BIGINT NOT NULL,
  status TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX coss_users_identity ON coss_users (app_id, id_number_index);
CREATE INDEX coss_users_unique_id ON coss_users (app_id, unique_id);
)sql";

// Two-party keys of COSS users (store.h CossKey): the server's share sealed under the KEK ('' once
// destroyed).
constexpr std::string_view kCossKeys = R"sql(
CREATE TABLE coss_keys (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES coss_users (id),
  app_id TEXT NOT NULL REFERENCES apps (id),
  device_id TEXT NOT NULL,
  device_name TEXT NOT NULL,
  device_key TEXT NOT NULL,
  public_key TEXT NOT NULL,
  scheme TEXT NOT NULL,
  state TEXT NOT NULL,
  share_sealed TEXT NOT NULL,
  certificate TEXT NOT NULL,
  failures BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX coss_keys_user ON coss_keys (user_id, created_at);
CREATE INDEX coss_keys_state ON coss_keys (state, created_at);
)sql";

// Phones' shares escrowed for COSS auto-sign grants, sealed under the KEK; a row lives only as
// long as its grant is active.
constexpr std::string_view kCossEscrows = R"sql(
CREATE TABLE coss_escrows (
  grant_id TEXT PRIMARY KEY,
  key_id TEXT NOT NULL REFERENCES coss_keys (id),
  share_sealed TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
)sql";

// DB4403/T 383.4 credentials on an app ('' for none): its appKey, which requests name it by, and
// its SM4 key ‖ MAC key sealed under the KEK.
constexpr std::string_view kSzCredentials = R"sql(
ALTER TABLE apps ADD COLUMN sz_app_key TEXT NOT NULL DEFAULT '';
ALTER TABLE apps ADD COLUMN sz_keys_sealed TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX apps_sz_app_key ON apps (sz_app_key) WHERE sz_app_key <> '';
)sql";

// Filing (service/filing.h): a seal code is allocated once, a seal filed once and filed upward by
// one run, whichever node or request gets there first (the index refuses the second); and a
// seal made while filing is required waits as 'unfiled' (the table is rebuilt for its CHECK;
// nothing references it).
constexpr std::string_view kFiling = R"sql(
CREATE UNIQUE INDEX tasks_filing_subject ON tasks (kind, subject)
  WHERE kind IN ('filing.code', 'filing.seal', 'filing.run');
CREATE TABLE seals_filing (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  type INTEGER NOT NULL,
  org_id TEXT REFERENCES organizations (id),
  app_id TEXT REFERENCES apps (id),
  signer_dn TEXT NOT NULL,
  seal_sm3 TEXT NOT NULL,
  cert_id TEXT REFERENCES certificates (id),
  key_id TEXT REFERENCES keys (id),
  valid_start BIGINT NOT NULL,
  valid_end BIGINT NOT NULL,
  status TEXT NOT NULL
    CHECK (status IN ('valid', 'frozen', 'lost', 'revoked', 'expired', 'unfiled')),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
INSERT INTO seals_filing SELECT id, name, type, org_id, app_id, signer_dn, seal_sm3, cert_id,
  key_id, valid_start, valid_end, status, created_at, updated_at FROM seals;
DROP TABLE seals;
ALTER TABLE seals_filing RENAME TO seals;
CREATE INDEX seals_signer_dn ON seals (signer_dn);
CREATE INDEX seals_app_id ON seals (app_id);
)sql";

// The web console's accounts (service/console.h; their sessions are tasks), its documents page
// (newest first) and a seal's history (the audit rows about it).
constexpr std::string_view kConsoleAccounts = R"sql(
CREATE TABLE console_accounts (
  id TEXT PRIMARY KEY,
  login TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  enabled INTEGER NOT NULL,
  failures BIGINT NOT NULL,
  locked_until BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX documents_created ON documents (created_at);
CREATE INDEX audit_object ON audit (object);
)sql";

// A signed document's verification code (its QR code opens the public page for its record).
constexpr std::string_view kVerificationCodes = R"sql(
ALTER TABLE documents ADD COLUMN verification_code TEXT;
CREATE UNIQUE INDEX documents_verification_code ON documents (verification_code);
)sql";

// A document's SHA-256 beside its SM3 (the blob's name), so that the public page answers from
// the record; documents archived before it have none, and theirs is computed when asked.
constexpr std::string_view kDocumentSha256 = R"sql(
ALTER TABLE documents ADD COLUMN sha256 TEXT;
)sql";

// Blobs kept in the database ([store] blobs = "database"), for nodes without a shared folder:
// named by their SM3 as in the folder, the content as BYTEA (PostgreSQL) or a BLOB (SQLite keeps
// any value of a column of that type as given).
constexpr std::string_view kBlobs = R"sql(
CREATE TABLE blobs (
  sm3 TEXT PRIMARY KEY,
  size BIGINT NOT NULL,
  content BYTEA NOT NULL
);
)sql";

// The soft keystore's key files in the database ([store] blobs = "database"), each a private
// key encrypted under the KEK as it would be in the data folder's keys/.
constexpr std::string_view kKeyFiles = R"sql(
CREATE TABLE key_files (
  name TEXT PRIMARY KEY,
  pem TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
)sql";

// Idempotent retries: the identity of the request that produced a document (a door's digest of
// what the client asked, e.g. LD/T's operation, BIZNUM and content), unique per app, so that a
// retried request gets the document the first one made instead of a second one, on every node.
constexpr std::string_view kRequestKeys = R"sql(
ALTER TABLE documents ADD COLUMN request_key TEXT;
CREATE UNIQUE INDEX documents_request_key ON documents (app_id, request_key);
)sql";

// What a nonce keeps of the request that sent it (store::KeptRequest): the door's digest of the
// request, to tell its retry from a replay, and its answer when small, to answer the retry with.
constexpr std::string_view kKeptRequests = R"sql(
ALTER TABLE nonces ADD COLUMN request_digest TEXT;
ALTER TABLE nonces ADD COLUMN answer BYTEA;
)sql";

constexpr std::array kMigrations{
    Migration{1, "organizations, apps, certificates, keys, seals, documents, nonces, audit",
              kInitialSchema},
    Migration{2, "kek_check", kKekCheck},
    Migration{3, "time_stamps", kTimeStamps},
    Migration{4, "tasks", kTasks},
    Migration{5, "COSS secureCode on apps", kCossSecureCode},
    Migration{6, "coss_users", kCossUsers},
    Migration{7, "coss_keys", kCossKeys},
    Migration{8, "coss_escrows", kCossEscrows},
    Migration{9, "DB4403 credentials on apps", kSzCredentials},
    Migration{10, "filing: unique seal codes and filed seals, unfiled seals", kFiling},
    Migration{11, "console accounts", kConsoleAccounts},
    Migration{12, "documents' verification codes", kVerificationCodes},
    Migration{13, "documents' SHA-256", kDocumentSha256},
    Migration{14, "blobs in the database", kBlobs},
    Migration{15, "soft keystore key files in the database", kKeyFiles},
    Migration{16, "documents' request keys, for idempotent retries", kRequestKeys},
    Migration{17, "requests kept with their nonces, for idempotent retries", kKeptRequests},
};

constexpr std::array<std::string_view, 17> kTables{
    "organizations", "apps",         "certificates",     "keys",        "seals",    "documents",
    "nonces",        "audit",        "kek_check",        "time_stamps", "tasks",    "coss_users",
    "coss_keys",     "coss_escrows", "console_accounts", "blobs",       "key_files"};

}  // namespace

std::span<const Migration> migrations() {
  return kMigrations;
}

std::span<const std::string_view> tables() {
  return kTables;
}

}  // namespace eseal::store
