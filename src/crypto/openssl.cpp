#include "crypto/openssl.h"

#include <openssl/err.h>
#include <openssl/obj_mac.h>

namespace eseal::crypto::ossl {

std::string drain_errors() {
  std::string text;
  unsigned long code;
  while ((code = ERR_get_error()) != 0) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    if (!text.empty()) text += "; ";
    text += buf;
  }
  return text;
}

Error failure(const std::string& what) {
  std::string reasons = drain_errors();
  return Error::internal(reasons.empty() ? what : what + " (" + reasons + ")");
}

BioPtr memory_bio(const void* data, std::size_t size) {
  return BioPtr(BIO_new_mem_buf(data, static_cast<int>(size)));
}

std::string bio_contents(BIO* bio) {
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  return size > 0 ? std::string(data, static_cast<std::size_t>(size)) : std::string();
}

EcGroupPtr sm2_group() {
  return EcGroupPtr(EC_GROUP_new_by_curve_name(NID_sm2));
}

}  // namespace eseal::crypto::ossl
