// Draws a login link as a QR code with libqrencode: PNG, SVG, or UTF-8 block
// art for terminals. Each throws std::runtime_error when the link is too long.
#pragma once

#include <string>

namespace tgmux::api {

std::string QrPng(const std::string& text, int scale = 8);
std::string QrSvg(const std::string& text);
// Two modules per character with half blocks, dark on a light terminal background.
std::string QrText(const std::string& text);

}  // namespace tgmux::api
