#include "api/qr_render.h"

#include <qrencode.h>
#include <zlib.h>

#include <memory>
#include <stdexcept>
#include <vector>

namespace tgmux::api {
namespace {

constexpr int kQuietZone = 4;  // modules of margin the QR specification asks for

// The symbol as a square of booleans (true = dark), quiet zone included.
class Matrix {
 public:
  explicit Matrix(const std::string& text) {
    std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
        QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1), &QRcode_free);
    if (!code) throw std::runtime_error("cannot encode the QR code");
    inner_ = code->width;
    size_ = inner_ + 2 * kQuietZone;
    dark_.assign(static_cast<std::size_t>(size_ * size_), false);
    for (int y = 0; y < inner_; ++y) {
      for (int x = 0; x < inner_; ++x) {
        dark_[static_cast<std::size_t>((y + kQuietZone) * size_ + x + kQuietZone)] = code->data[y * inner_ + x] & 1;
      }
    }
  }
  int size() const { return size_; }
  bool Dark(int x, int y) const {
    return x >= 0 && y >= 0 && x < size_ && y < size_ && dark_[static_cast<std::size_t>(y * size_ + x)];
  }

 private:
  int inner_ = 0;
  int size_ = 0;
  std::vector<bool> dark_;
};

void PutU32(std::string& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xff);
}

void PutChunk(std::string& out, const char* type, const std::string& data) {
  PutU32(out, static_cast<std::uint32_t>(data.size()));
  std::string body = std::string(type, 4) + data;
  out += body;
  PutU32(out, static_cast<std::uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(body.data()),
                                               static_cast<uInt>(body.size()))));
}

}  // namespace

std::string QrPng(const std::string& text, int scale) {
  Matrix m(text);
  int side = m.size() * scale;
  std::string raw;  // 8-bit greyscale rows, each preceded by filter type 0
  raw.reserve(static_cast<std::size_t>(side * (side + 1)));
  for (int y = 0; y < side; ++y) {
    raw += '\0';
    for (int x = 0; x < side; ++x) raw += m.Dark(x / scale, y / scale) ? '\0' : '\xff';
  }
  uLongf packed_size = compressBound(static_cast<uLong>(raw.size()));
  std::string packed(packed_size, '\0');
  compress2(reinterpret_cast<Bytef*>(packed.data()), &packed_size, reinterpret_cast<const Bytef*>(raw.data()),
            static_cast<uLong>(raw.size()), 9);
  packed.resize(packed_size);
  std::string header;
  PutU32(header, static_cast<std::uint32_t>(side));
  PutU32(header, static_cast<std::uint32_t>(side));
  header += std::string("\x08\x00\x00\x00\x00", 5);  // bit depth 8, greyscale, deflate, no filter, no interlace
  std::string png("\x89PNG\r\n\x1a\n", 8);
  PutChunk(png, "IHDR", header);
  PutChunk(png, "IDAT", packed);
  PutChunk(png, "IEND", "");
  return png;
}

std::string QrSvg(const std::string& text) {
  Matrix m(text);
  std::string n = std::to_string(m.size());
  std::string out = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + n + " " + n +
                    "\" shape-rendering=\"crispEdges\"><rect width=\"" + n + "\" height=\"" + n +
                    "\" fill=\"#fff\"/><path fill=\"#000\" d=\"";
  for (int y = 0; y < m.size(); ++y) {
    for (int x = 0; x < m.size(); ++x) {
      if (m.Dark(x, y)) out += "M" + std::to_string(x) + " " + std::to_string(y) + "h1v1h-1z";
    }
  }
  return out + "\"/></svg>\n";
}

std::string QrText(const std::string& text) {
  Matrix m(text);
  std::string out;
  for (int y = 0; y < m.size(); y += 2) {
    for (int x = 0; x < m.size(); ++x) {
      bool top = m.Dark(x, y), bottom = m.Dark(x, y + 1);
      // Light modules are drawn as blocks so the code reads on dark terminals too.
      if (!top && !bottom) out += "\u2588";
      else if (!top) out += "\u2580";
      else if (!bottom) out += "\u2584";
      else out += " ";
    }
    out += "\n";
  }
  return out;
}

}  // namespace tgmux::api
