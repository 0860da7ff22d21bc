#include "service/media/media_url.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace tgmux::service {
namespace {

std::string Refusal(const std::string& text) {
  try {
    ParseMediaUrl(text);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(MediaUrlTest, ParsesHttpAndHttpsWithDefaultAndExplicitPorts) {
  auto plain = ParseMediaUrl("http://Files.Example.com/a/b.pdf?x=1#top");
  EXPECT_FALSE(plain.tls);
  EXPECT_EQ(plain.host, "files.example.com");
  EXPECT_EQ(plain.port, "80");
  EXPECT_EQ(plain.target, "/a/b.pdf?x=1");
  EXPECT_EQ(plain.HostHeader(), "files.example.com");

  auto tls = ParseMediaUrl("HTTPS://example.com:8443");
  EXPECT_TRUE(tls.tls);
  EXPECT_EQ(tls.port, "8443");
  EXPECT_EQ(tls.target, "/");
  EXPECT_EQ(tls.HostHeader(), "example.com:8443");
  EXPECT_EQ(tls.Text(), "https://example.com:8443/");

  auto v6 = ParseMediaUrl("http://[::ffff:127.0.0.1]:8080/x");
  EXPECT_EQ(v6.host, "::ffff:127.0.0.1");
  EXPECT_EQ(v6.port, "8080");
  EXPECT_EQ(v6.HostHeader(), "[::ffff:127.0.0.1]:8080");
  EXPECT_EQ(ParseMediaUrl("http://[::1]/").host, "::1");
}

TEST(MediaUrlTest, RefusesOtherSchemesCredentialsAndMalformedUrls) {
  EXPECT_EQ(Refusal("ftp://example.com/x"), "only http and https URLs");
  EXPECT_EQ(Refusal("file:///etc/passwd"), "only http and https URLs");
  EXPECT_EQ(Refusal("gopher://127.0.0.1:6379/_"), "only http and https URLs");
  EXPECT_EQ(Refusal("example.com/x"), "only http and https URLs");
  EXPECT_EQ(Refusal("http://user:pw@example.com/"), "a URL with a user name or password is not accepted");
  EXPECT_EQ(Refusal("http:example.com"), "not a valid URL");
  EXPECT_EQ(Refusal("http://exa mple.com/"), "not a valid URL (spaces or control characters)");
  EXPECT_EQ(Refusal("http://example.com/\r\nHost: evil"), "not a valid URL (spaces or control characters)");
  EXPECT_EQ(Refusal("http://example.com:0/"), "not a valid URL (the port)");
  EXPECT_EQ(Refusal("http://example.com:99999/"), "not a valid URL (the port)");
  EXPECT_EQ(Refusal("http:///x"), "not a valid URL (the host)");
  EXPECT_EQ(Refusal("http://[fe80::1%25eth0]/"), "not a valid URL (the host)");
  EXPECT_EQ(Refusal("http://[::1/"), "not a valid URL");
}

TEST(MediaUrlTest, RedirectLocationsResolveAgainstTheCurrentUrl) {
  auto base = ParseMediaUrl("http://127.0.0.1:8080/dir/file.bin?q=1");
  EXPECT_EQ(ResolveLocation(base, "https://other.example/x"), "https://other.example/x");
  EXPECT_EQ(ResolveLocation(base, "//cdn.example/y"), "http://cdn.example/y");
  EXPECT_EQ(ResolveLocation(base, "/root.bin"), "http://127.0.0.1:8080/root.bin");
  EXPECT_EQ(ResolveLocation(base, "sibling.bin"), "http://127.0.0.1:8080/dir/sibling.bin");
  EXPECT_EQ(ResolveLocation(base, "?q=2"), "http://127.0.0.1:8080/dir/file.bin?q=2");
  EXPECT_EQ(ResolveLocation(base, "ftp://x/"), "ftp://x/");
}

TEST(MediaUrlTest, FileNamesComeFromTheDispositionOrThePath) {
  EXPECT_EQ(DispositionFileName("attachment; filename=\"report Q3.pdf\""), "report Q3.pdf");
  EXPECT_EQ(DispositionFileName("attachment; filename=plain.txt"), "plain.txt");
  EXPECT_EQ(DispositionFileName("attachment; filename=\"a.txt\"; filename*=UTF-8''%C3%A9t%C3%A9.txt"), "été.txt");
  EXPECT_EQ(DispositionFileName("inline"), "");
  EXPECT_EQ(DispositionFileName("attachment; xfilename=no.txt"), "");
  EXPECT_EQ(PathFileName(ParseMediaUrl("http://h/a/report%20Q3.pdf?download=1")), "report Q3.pdf");
  EXPECT_EQ(PathFileName(ParseMediaUrl("http://h/a/")), "");
  EXPECT_EQ(PathFileName(ParseMediaUrl("http://h")), "");
}

TEST(MediaUrlTest, SizesReadInTheirLargestWholeUnit) {
  EXPECT_EQ(SizeText(50ull << 20), "50 MiB");
  EXPECT_EQ(SizeText(1ull << 30), "1 GiB");
  EXPECT_EQ(SizeText(1536ull << 10), "1536 KiB");
  EXPECT_EQ(SizeText(1000), "1000 bytes");
}

}  // namespace
}  // namespace tgmux::service
