#include "pdf/attach.h"

#include <exception>
#include <qpdf/Buffer.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFEFStreamObjectHelper.hh>
#include <qpdf/QPDFEmbeddedFileDocumentHelper.hh>
#include <qpdf/QPDFFileSpecObjectHelper.hh>
#include <qpdf/QPDFWriter.hh>

namespace eseal::pdf {

Result<Bytes> attach_file(ByteView pdf, const Attachment& attachment) {
  try {
    QPDF q;
    q.setSuppressWarnings(true);
    q.processMemoryFile("converted.pdf", reinterpret_cast<const char*>(pdf.data()), pdf.size());
    auto stream = QPDFEFStreamObjectHelper::createEFStream(
        q, std::string(attachment.data.begin(), attachment.data.end()));
    if (!attachment.mime_type.empty()) stream.setSubtype(attachment.mime_type);
    auto spec = QPDFFileSpecObjectHelper::createFileSpec(q, attachment.name, stream);
    if (!attachment.description.empty()) spec.setDescription(attachment.description);
    QPDFEmbeddedFileDocumentHelper(q).replaceEmbeddedFile(attachment.name, spec);
    QPDFWriter writer(q);
    writer.setOutputMemory();
    writer.setDeterministicID(true);
    writer.write();
    auto out = writer.getBufferSharedPointer();
    return Bytes(out->getBuffer(), out->getBuffer() + out->getSize());
  } catch (const std::exception& e) {
    return Error::invalid_input(std::string("the PDF cannot be read: ") + e.what());
  }
}

}  // namespace eseal::pdf
