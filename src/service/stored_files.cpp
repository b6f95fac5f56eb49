#include "service/stored_files.h"

#include "service/payload.h"

namespace eseal::service {
namespace {

Error no_file(const std::string& id) {
  return Error::not_found("no stored file " + id);
}

}  // namespace

const TaskKind& stored_file_kind() {
  static const TaskKind kind{"stored.file", "KEPT", {}, {}, "EXPIRED"};
  return kind;
}

Result<StoredFile> StoredFiles::put(const Caller& app, ByteView bytes, doc::DocumentFormat format,
                                    const std::string& title, const std::string& owner,
                                    Time expires, Time now) {
  auto blob = store_.blobs().put(bytes);
  if (!blob) return blob.error();
  Fields payload{{"format", std::string(store::column_name(format))},
                 {"title", title},
                 {"owner", owner},
                 {"blob", *blob},
                 {"size", std::to_string(bytes.size())}};
  auto task = tasks_.create(stored_file_kind(),
                            {app.app_id, owner, write_fields(payload), expires, std::nullopt, ""},
                            now, app.actor());
  if (!task) return task.error();
  return StoredFile{task->id,      format, title,
                    owner,         *blob,  static_cast<std::int64_t>(bytes.size()),
                    task->created, expires};
}

Result<StoredFile> StoredFiles::find(const Caller& app, const std::string& id, Time now) {
  auto task = tasks_.get(stored_file_kind(), id, now);
  if (!task) return task.error().kind == ErrorKind::kNotFound ? no_file(id) : task.error();
  if (task->app_id != app.app_id || task->state != "KEPT") return no_file(id);
  auto p = read_fields(task->payload);
  if (!p) return p.error().with_context("stored file " + id);
  StoredFile f;
  f.id = task->id;
  f.format = (*p)["format"] == "ofd" ? doc::DocumentFormat::kOfd : doc::DocumentFormat::kPdf;
  f.title = (*p)["title"];
  f.owner = (*p)["owner"];
  f.blob = (*p)["blob"];
  f.size = std::stoll((*p)["size"].empty() ? "0" : (*p)["size"]);
  f.created = task->created;
  f.expires = task->expires.value_or(Time{});
  return f;
}

Result<Bytes> StoredFiles::bytes(const StoredFile& file) {
  return store_.blobs().get(file.blob);
}

}  // namespace eseal::service
