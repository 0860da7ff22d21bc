// Files in media tests: multipart/form-data bodies as a browser or curl -F
// would send them, recognisable bytes, and their digests.
#pragma once

#include <sodium.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace tgmux::testing {

struct FormFile {
  std::string field;
  std::string file_name;
  std::string content_type;
  std::string bytes;
};

struct MultipartBody {
  std::string content_type;  // multipart/form-data; boundary=...
  std::string body;
};

inline MultipartBody BuildMultipart(const std::vector<std::pair<std::string, std::string>>& fields,
                                    const std::vector<FormFile>& files) {
  const std::string boundary = "----tgmuxTestBoundary7MA4YWxkTrZu0gW";
  std::string body;
  for (const auto& [name, value] : fields) {
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
  }
  for (const auto& file : files) {
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + file.field + "\"; filename=\"" +
            file.file_name + "\"\r\n";
    if (!file.content_type.empty()) body += "Content-Type: " + file.content_type + "\r\n";
    body += "\r\n" + file.bytes + "\r\n";
  }
  body += "--" + boundary + "--\r\n";
  return {"multipart/form-data; boundary=" + boundary, std::move(body)};
}

// The lowercase hex SHA-256 of `bytes` (what tgsim reports of the files it holds).
inline std::string Sha256Hex(const std::string& bytes) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  char hex[2 * sizeof digest + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

inline std::string Base64(const std::string& bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);
  return out;
}

// `size` bytes that differ from file to file (seeded) and are not text.
inline std::string PatternBytes(std::size_t size, std::uint32_t seed) {
  std::string out(size, '\0');
  std::uint32_t x = seed * 2654435761u + 1;
  for (auto& c : out) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    c = static_cast<char>(x & 0xff);
  }
  return out;
}

// The start of a PNG of width x height: the signature and IHDR chunk, then
// `padding` more bytes (enough for anything that reads dimensions from it).
inline std::string PngBytes(std::uint32_t width, std::uint32_t height, std::size_t padding) {
  std::string png("\x89PNG\r\n\x1a\n", 8);
  auto be32 = [&](std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) png += static_cast<char>((v >> shift) & 0xff);
  };
  be32(13);
  png += "IHDR";
  be32(width);
  be32(height);
  png += std::string("\x08\x06\x00\x00\x00", 5);
  be32(0);  // CRC: not checked by anyone here
  return png + PatternBytes(padding, width ^ height);
}

}  // namespace tgmux::testing
