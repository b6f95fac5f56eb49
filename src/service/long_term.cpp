#include "service/long_term.h"

namespace eseal::service {

Result<Bytes> time_stamp_pdf(ByteView pdf, TimeStampAuthority& authority,
                             const std::string& requester, Time now, crypto::HashAlgorithm hash) {
  auto prepared = pdf::prepare_document_time_stamp(pdf, hash);
  if (!prepared) return prepared.error();
  auto token = request_time_stamp(authority, requester, now, hash, prepared->imprint);
  if (!token) return token.error();
  return pdf::complete_document_time_stamp(*prepared, *token);
}

Result<Bytes> add_long_term_data(ByteView pdf, const pdf::ValidationData& extra) {
  pdf::ValidationData data = pdf::carried_validation_data(pdf);
  data.certificates.insert(data.certificates.end(), extra.certificates.begin(),
                           extra.certificates.end());
  data.crls = extra.crls;
  return pdf::add_validation_data(pdf, data);
}

}  // namespace eseal::service
