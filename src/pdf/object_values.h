// Lenient reads of QPDF objects for text extraction: a value of the wrong type, or a key of
// something that is not a dictionary, reads as nothing instead of throwing or warning. Internal
// to src/pdf (pdf/text.cpp and its units).
#pragma once

#include <optional>
#include <qpdf/QPDFObjectHandle.hh>
#include <string>

namespace eseal::pdf::text_detail {

// A finite number (integer or real), else nullopt.
std::optional<double> number_of(QPDFObjectHandle object);

// An integer, else nullopt.
std::optional<long long> integer_of(QPDFObjectHandle object);

// A dictionary entry, or null when `dict` is not a dictionary (a stream's dictionary counts).
QPDFObjectHandle entry(QPDFObjectHandle dict, const std::string& key);

// A name without its '/', else empty.
std::string name_of(QPDFObjectHandle object);

}  // namespace eseal::pdf::text_detail
