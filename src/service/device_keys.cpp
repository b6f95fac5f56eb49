#include "service/device_keys.h"

#include <charconv>
#include <filesystem>

#include "crypto/encoding.h"
#include "crypto/random.h"

namespace eseal::service {

namespace {
constexpr std::string_view kPrefix = "sdf:";
}  // namespace

std::string beside_program(const std::string& file) {
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return file;
  return (self.parent_path() / file).string();
}

std::string device_key_location(unsigned index) {
  return std::string(kPrefix) + std::to_string(index);
}

std::optional<unsigned> device_key_index(std::string_view location) {
  if (!location.starts_with(kPrefix)) return std::nullopt;
  std::string_view digits = location.substr(kPrefix.size());
  unsigned index = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
  if (ec != std::errc() || end != digits.data() + digits.size() || index == 0) return std::nullopt;
  return index;
}

Result<std::string> new_device_key_id(unsigned index) {
  auto random = crypto::random_bytes(8);
  if (!random) return random.error();
  return device_key_location(index) + ":" + crypto::to_hex(*random);
}

bool is_device_key_id(std::string_view key_id) {
  return key_id.starts_with(kPrefix);
}

DeviceKeys::DeviceKeys(DeviceKeySettings settings) : settings_(std::move(settings)) {
  if (settings_.library.empty()) settings_.library = beside_program("libeseal-softsdf.so");
}

Result<std::shared_ptr<keys::SdfDevice>> DeviceKeys::device() {
  std::lock_guard lock(mutex_);
  if (device_) return device_;
  auto opened = keys::SdfDevice::open(settings_.library);
  if (!opened) return opened.error().with_context("the crypto device of [keys] sdf_library");
  device_ = std::move(*opened);
  return device_;
}

Result<std::unique_ptr<keys::Signer>> DeviceKeys::signer(unsigned index,
                                                         pki::Certificate certificate) {
  auto opened = device();
  if (!opened) return opened.error();
  return keys::sdf_signer(*opened, index, settings_.password, std::move(certificate));
}

}  // namespace eseal::service
