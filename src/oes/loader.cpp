#include "oes/loader.h"

#include <mutex>
#include <vector>

#include "oes/oes.h"

namespace eseal::oes {

struct OesModule::Functions {
  std::mutex mutex;
  bool v4 = false;
  decltype(&OESV4_OpenSession) open = nullptr;
  decltype(&OESV4_CloseSession) close = nullptr;
  decltype(&OESV4_Digest) digest4 = nullptr;
  decltype(&OESV4_Verify) verify4 = nullptr;
  decltype(&OESV4_GetErrMessage) message4 = nullptr;
  decltype(&OES_Digest) digest2 = nullptr;
  decltype(&OES_Verify) verify2 = nullptr;
  decltype(&OES_GetErrMessage) message2 = nullptr;
  decltype(&OES_GetProviderInfo) provider = nullptr;
};

namespace {

const unsigned char* data_of(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

// Reads one output of the module by the length-first convention.
template <typename Call>
Result<Bytes> output(Call&& call, const char* what) {
  int length = 0;
  if (unsigned long code = call(nullptr, &length); code != OES_OK) {
    return Error::verification_failed(std::string(what) + ": code 0x" + std::to_string(code));
  }
  Bytes out(static_cast<std::size_t>(std::max(length, 0)));
  if (unsigned long code = call(out.data(), &length); code != OES_OK) {
    return Error::verification_failed(std::string(what) + ": code " + std::to_string(code));
  }
  out.resize(static_cast<std::size_t>(std::max(length, 0)));
  return out;
}

}  // namespace

OesModule::OesModule(keys::DeviceLibrary library, std::unique_ptr<Functions> f)
    : library_(std::move(library)), f_(std::move(f)) {}

OesModule::~OesModule() {
  if (f_->v4 && session_) f_->close(session_);
}

Result<std::shared_ptr<OesModule>> OesModule::load(const std::string& path) {
  auto library = keys::DeviceLibrary::open(path);
  if (!library) return library.error();
  auto f = std::make_unique<Functions>();
  const keys::DeviceLibrary& l = *library;
  f->v4 = l.bind(f->open, "OESV4_OpenSession") && l.bind(f->close, "OESV4_CloseSession") &&
          l.bind(f->digest4, "OESV4_Digest") && l.bind(f->verify4, "OESV4_Verify") &&
          l.bind(f->message4, "OESV4_GetErrMessage");
  if (!f->v4) {
    if (auto s = l.bind(f->digest2, "OES_Digest"); !s) return s.error();
    if (auto s = l.bind(f->verify2, "OES_Verify"); !s) return s.error();
    (void)l.bind(f->message2, "OES_GetErrMessage");
  }
  (void)l.bind(f->provider, "OES_GetProviderInfo");
  std::shared_ptr<OesModule> module(new OesModule(std::move(*library), std::move(f)));
  Functions& fn = *module->f_;
  if (fn.v4 && fn.open(&module->session_) != OES_OK) {
    return Error::not_found("the OES module " + path + " opens no session");
  }
  module->provider_ = path;
  if (fn.provider) {
    int name = 0, company = 0, version = 0, extend = 0;
    if (fn.provider(nullptr, &name, nullptr, &company, nullptr, &version, nullptr, &extend) ==
        OES_OK) {
      std::vector<unsigned char> n(name), c(company), v(version), e(extend);
      if (fn.provider(n.data(), &name, c.data(), &company, v.data(), &version, e.data(), &extend) ==
          OES_OK) {
        module->provider_ = std::string(n.begin(), n.begin() + name) + " " +
                            std::string(v.begin(), v.begin() + version) + " (" + path + ")";
      }
    }
  }
  return module;
}

std::string OesModule::message(unsigned long code) {
  auto text = output(
      [&](unsigned char* out, int* length) -> unsigned long {
        if (f_->v4) return f_->message4(session_, code, out, length);
        return f_->message2 ? f_->message2(code, out, length) : 1;
      },
      "message");
  std::string hex = "0x";
  for (int shift = 28; shift >= 0; shift -= 4) hex += "0123456789abcdef"[(code >> shift) & 0xF];
  if (!text) return "code " + hex;
  return std::string(text->begin(), text->end()) + " (code " + hex + ")";
}

Result<Bytes> OesModule::digest(ByteView data, std::string_view method) {
  unsigned long failure = OES_OK;
  auto value = output(
      [&](unsigned char* out, int* length) {
        failure = f_->v4
                      ? f_->digest4(session_, data.data(), static_cast<int>(data.size()),
                                    data_of(method), static_cast<int>(method.size()), out, length)
                      : f_->digest2(data.data(), static_cast<int>(data.size()), data_of(method),
                                    static_cast<int>(method.size()), out, length);
        return failure;
      },
      "digest");
  if (!value) return Error::verification_failed("the OES module's digest: " + message(failure));
  return value;
}

Status OesModule::verify(ByteView signature_xml, std::string_view check_method, ByteView seal,
                         std::string_view property, ByteView value) {
  std::lock_guard lock(f_->mutex);
  auto hash = digest(signature_xml, check_method);
  if (!hash) return hash.error();
  unsigned long code =
      f_->v4 ? f_->verify4(session_, hash->data(), static_cast<int>(hash->size()), value.data(),
                           static_cast<int>(value.size()), 0)
             : f_->verify2(seal.data(), static_cast<int>(seal.size()), data_of(property),
                           static_cast<int>(property.size()), hash->data(),
                           static_cast<int>(hash->size()), nullptr, 0, nullptr, 0, value.data(),
                           static_cast<int>(value.size()), 0);
  if (code != OES_OK) return Error::verification_failed(message(code));
  return ok_status();
}

}  // namespace eseal::oes
