#include "service/held_signatures.h"

#include "crypto/encoding.h"
#include "crypto/sm2.h"
#include "service/payload.h"

namespace eseal::service {

namespace {

std::string subject_of(ByteView digest) {
  return "sm3:" + crypto::to_hex(digest);
}

}  // namespace

const TaskKind& held_signature_kind() {
  static const TaskKind kind{"held.signature", "HELD", {{"HELD", "DONE"}}, {"DONE"}, "EXPIRED"};
  return kind;
}

Result<HeldSignature> HeldSignatures::hold(const Caller& app, const std::string& file_id,
                                           const std::string& title,
                                           const PendingSignature& pending,
                                           const pki::Certificate& signer,
                                           const RegisteredSeal& seal, Time expires, Time now) {
  auto key = signer.public_key();
  if (!key) return key.error();
  auto e = crypto::sm2_signing_digest(*key, pending.to_be_signed);
  if (!e) return e.error();
  auto blob = store_.blobs().put(pending.document);
  if (!blob) return blob.error();
  Fields payload{{"title", title},
                 {"format", std::string(store::column_name(pending.format))},
                 {"digest", crypto::to_base64(*e)},
                 {"certificate", crypto::to_base64(signer.der())},
                 {"seal", seal.id},
                 {"sealType", std::to_string(seal.seal.info.type)},
                 {"prepared", *blob}};
  // The subject is the digest the remote signer is to sign: what the task waits on.
  auto task = tasks_.create(
      held_signature_kind(),
      {app.app_id, subject_of(*e), write_fields(payload), expires, std::nullopt, file_id}, now,
      app.actor());
  if (!task) return task.error();
  return held_of(*task);
}

Result<HeldSignature> HeldSignatures::find(const Caller& app, const std::string& file_id,
                                           Time now) {
  store::TaskQuery query;
  query.app_id = app.app_id;
  query.reference = file_id;
  return newest(query, now, "no held signature " + file_id);
}

Result<HeldSignature> HeldSignatures::find_by_digest(const Caller& app, ByteView digest, Time now) {
  store::TaskQuery query;
  query.app_id = app.app_id;
  query.subject = subject_of(digest);
  return newest(query, now, "no held signature with this digest");
}

Result<HeldSignature> HeldSignatures::newest(store::TaskQuery query, Time now,
                                             const std::string& what) {
  // Oldest first: the last one is the newest.
  auto count = tasks_.count(held_signature_kind(), query);
  if (!count) return count.error();
  if (*count == 0) return Error::not_found(what);
  query.offset = *count - 1;
  query.limit = 1;
  auto found = tasks_.list(held_signature_kind(), query, now);
  if (!found) return found.error();
  if (found->empty()) return Error::not_found(what);
  return held_of(found->back());
}

Result<Bytes> HeldSignatures::complete(const Caller& app, const HeldSignature& held,
                                       ByteView signature, const doc::TimeStamper& stamper,
                                       Time now) {
  if (held.state == "DONE") return store_.blobs().get(held.signed_blob);
  if (held.state != "HELD") {
    return Error::invalid_input("the held signature " + held.file_id + " has expired")
        .with_code("held-expired");
  }
  auto prepared = store_.blobs().get(held.prepared_blob);
  if (!prepared) return prepared.error();
  auto done = service::complete(*prepared, signature, now, stamper);
  if (!done) return done.error();
  auto blob = store_.blobs().put(*done);
  if (!blob) return blob.error();
  auto task = tasks_.move(
      held_signature_kind(), held.id,
      {.to = "DONE", .detail = "completed", .result = write_fields({{"signed", *blob}})}, now,
      app.actor());
  if (!task) {
    // Another request completed it first: answer what that one kept.
    if (task.error().code == store::kTaskStateChanged) {
      auto again = tasks_.get(held_signature_kind(), held.id, now);
      if (again && again->state == "DONE") {
        auto h = held_of(*again);
        if (h) return store_.blobs().get(h->signed_blob);
      }
    }
    return task.error();
  }
  return std::move(*done);
}

Result<HeldSignature> HeldSignatures::held_of(const store::TaskRecord& task) {
  auto p = read_fields(task.payload);
  if (!p) return p.error().with_context("held signature " + task.id);
  auto r = read_fields(task.result);
  if (!r) return r.error().with_context("held signature " + task.id);
  HeldSignature h;
  h.id = task.id;
  h.file_id = task.reference;
  h.title = (*p)["title"];
  h.format = (*p)["format"] == "ofd" ? DocumentFormat::kOfd : DocumentFormat::kPdf;
  auto digest = crypto::from_base64((*p)["digest"]);
  auto cert = crypto::from_base64((*p)["certificate"]);
  if (!digest || !cert) return Error::internal("held signature " + task.id + ": bad payload");
  h.digest = std::move(*digest);
  h.certificate = std::move(*cert);
  h.seal_id = (*p)["seal"];
  h.seal_type = std::stoll((*p)["sealType"].empty() ? "0" : (*p)["sealType"]);
  h.state = task.state;
  h.expires = task.expires.value_or(Time{});
  h.prepared_blob = (*p)["prepared"];
  h.signed_blob = (*r)["signed"];
  return h;
}

}  // namespace eseal::service
