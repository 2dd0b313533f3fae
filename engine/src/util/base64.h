#pragma once
// Base64 (RFC 4648, with padding) for binary payloads inside JSON files.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace airbench {

std::string base64Encode(const std::vector<uint8_t>& bytes);
// nullopt for anything that is not canonical base64.
std::optional<std::vector<uint8_t>> base64Decode(const std::string& text);

}  // namespace airbench
