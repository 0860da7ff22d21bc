#include "crypto/keys.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "tests/support/process.h"

namespace tgmux::crypto {
namespace {

namespace fs = std::filesystem;

using testing::TempDir;

using testing::ReadFile;

unsigned Mode(const fs::path& path) {
  struct stat info {};
  ::stat(path.c_str(), &info);
  return info.st_mode & 07777;
}

std::string MasterKeyErrorOf(const std::optional<std::string>& env, const fs::path& file,
                             bool gen) {
  try {
    LoadMasterKey(env, file, gen);
  } catch (const MasterKeyError& e) {
    return e.what();
  }
  return "(no error)";
}

const std::string kBinary("secret\0with\xffNUL", 15);

TEST(CryptoSeal, RoundTripsAnyBytes) {
  const SecretKey key = SecretKey::Random();
  for (const std::string& plaintext : {std::string(), std::string("hello"), kBinary}) {
    const std::string sealed = Seal(key, plaintext, "ad");
    EXPECT_EQ(sealed.size(), 24 + plaintext.size() + 16);
    EXPECT_EQ(Open(key, sealed, "ad"), plaintext);
  }
}

TEST(CryptoSeal, SameInputSealsDifferentlyEachTime) {
  const SecretKey key = SecretKey::Random();
  EXPECT_NE(Seal(key, "same", "ad"), Seal(key, "same", "ad"));
}

TEST(CryptoSeal, AFlippedBitAnywhereIsADecryptError) {
  const SecretKey key = SecretKey::Random();
  const std::string sealed = Seal(key, "the plaintext", "ad");
  for (std::size_t i = 0; i < sealed.size(); ++i) {
    std::string tampered = sealed;
    tampered[i] = static_cast<char>(tampered[i] ^ 0x01);
    EXPECT_THROW(Open(key, tampered, "ad"), DecryptError) << "byte " << i;
  }
}

TEST(CryptoSeal, TruncatedOrExtendedIsADecryptError) {
  const SecretKey key = SecretKey::Random();
  const std::string sealed = Seal(key, "the plaintext", "ad");
  EXPECT_THROW(Open(key, sealed.substr(0, sealed.size() - 1), "ad"), DecryptError);
  EXPECT_THROW(Open(key, sealed.substr(0, 10), "ad"), DecryptError);
  EXPECT_THROW(Open(key, "", "ad"), DecryptError);
  EXPECT_THROW(Open(key, sealed + "x", "ad"), DecryptError);
}

TEST(CryptoSeal, WrongKeyOrAssociatedDataIsADecryptError) {
  const SecretKey key = SecretKey::Random();
  const std::string sealed = Seal(key, "the plaintext", "ad");
  EXPECT_THROW(Open(SecretKey::Random(), sealed, "ad"), DecryptError);
  EXPECT_THROW(Open(key, sealed, "ad2"), DecryptError);
}

TEST(CryptoSecretKey, Base64RoundTripsAndRejectsWrongShapes) {
  const SecretKey key = SecretKey::Random();
  const std::string text = key.ToBase64();
  EXPECT_EQ(text.size(), 44u);
  EXPECT_EQ(SecretKey::FromBase64(text).bytes(), key.bytes());
  EXPECT_EQ(SecretKey::FromBase64(text + "\n").bytes(), key.bytes());
  EXPECT_EQ(SecretKey::FromBytes(key.bytes()).bytes(), key.bytes());
  EXPECT_THROW(SecretKey::FromBase64("not base64!"), std::invalid_argument);
  EXPECT_THROW(SecretKey::FromBase64("c2hvcnQ="), std::invalid_argument);
  EXPECT_THROW(SecretKey::FromBytes("short"), std::invalid_argument);
  EXPECT_NE(SecretKey::Random().bytes(), key.bytes());
}

TEST(CryptoEnvelope, FieldsRoundTripForTheirOwnAccountAndPurposeOnly) {
  const Envelope envelope(SecretKey::Random());
  const SecretKey data_key = SecretKey::Random();
  const std::string sealed = envelope.Encrypt(data_key, "acc_a", "phone", "+380501234567");
  EXPECT_EQ(envelope.Decrypt(data_key, "acc_a", "phone", sealed), "+380501234567");
  EXPECT_THROW(envelope.Decrypt(data_key, "acc_b", "phone", sealed), DecryptError);
  EXPECT_THROW(envelope.Decrypt(data_key, "acc_a", "td_key", sealed), DecryptError);
  EXPECT_THROW(envelope.Decrypt(SecretKey::Random(), "acc_a", "phone", sealed), DecryptError);
}

TEST(CryptoEnvelope, DataKeyUnwrapsOnlyForItsAccountUnderItsMasterKey) {
  const SecretKey master = SecretKey::Random();
  const Envelope envelope(master);
  const SecretKey data_key = SecretKey::Random();
  const std::string wrapped = envelope.WrapDataKey(data_key, "acc_a");
  EXPECT_EQ(envelope.UnwrapDataKey(wrapped, "acc_a").bytes(), data_key.bytes());
  EXPECT_EQ(Envelope(master).UnwrapDataKey(wrapped, "acc_a").bytes(), data_key.bytes());
  EXPECT_THROW(envelope.UnwrapDataKey(wrapped, "acc_b"), DecryptError);
  EXPECT_THROW(Envelope(SecretKey::Random()).UnwrapDataKey(wrapped, "acc_a"), DecryptError);
}

TEST(CryptoEnvelope, KeyCheckVerifiesOnlyWithTheSameMasterKey) {
  const SecretKey master = SecretKey::Random();
  const std::string check = Envelope(master).MakeKeyCheck();
  EXPECT_TRUE(Envelope(master).VerifyKeyCheck(check));
  EXPECT_FALSE(Envelope(SecretKey::Random()).VerifyKeyCheck(check));
  EXPECT_FALSE(Envelope(master).VerifyKeyCheck("garbage"));
  // Nothing else sealed under the master key passes as a key check.
  const std::string wrapped = Envelope(master).WrapDataKey(SecretKey::Random(), "key-check");
  EXPECT_FALSE(Envelope(master).VerifyKeyCheck(wrapped));
  EXPECT_THROW(Envelope(master).UnwrapDataKey(check, "key-check"), DecryptError);
}

TEST(CryptoMasterKey, GeneratedFileIsPrivateAndLoadedAgainUnchanged) {
  TempDir dir;
  const fs::path file = dir.path() / "data" / "master.key";
  const SecretKey first = LoadMasterKey(std::nullopt, file, true);
  EXPECT_EQ(Mode(file), 0600u);
  const std::string content = ReadFile(file);
  EXPECT_EQ(content, first.ToBase64() + "\n");

  EXPECT_EQ(LoadMasterKey(std::nullopt, file, true).bytes(), first.bytes());
  EXPECT_EQ(LoadMasterKey(std::nullopt, file, false).bytes(), first.bytes());
  EXPECT_EQ(ReadFile(file), content);
  EXPECT_EQ(std::distance(fs::directory_iterator(file.parent_path()), fs::directory_iterator()), 1)
      << "no temporary file is left behind";
}

TEST(CryptoMasterKey, ConcurrentFirstStartsAgreeOnOneKey) {
  TempDir dir;
  const fs::path file = dir.path() / "master.key";
  std::vector<std::string> keys(8);
  std::vector<std::thread> threads;
  for (auto& key : keys) {
    threads.emplace_back(
        [&] { key = std::string(LoadMasterKey(std::nullopt, file, true).bytes()); });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& key : keys) EXPECT_EQ(key, keys.front());
  EXPECT_EQ(LoadMasterKey(std::nullopt, file, false).bytes(), keys.front());
}

TEST(CryptoMasterKey, MissingFileIsNotRegeneratedWhenDataExists) {
  TempDir dir;
  const fs::path file = dir.path() / "master.key";
  const std::string message = MasterKeyErrorOf(std::nullopt, file, false);
  EXPECT_NE(message.find("missing"), std::string::npos) << message;
  EXPECT_NE(message.find(file.string()), std::string::npos) << message;
  EXPECT_FALSE(fs::exists(file));
}

TEST(CryptoMasterKey, FileAccessibleByOthersIsRefusedWithTheFix) {
  TempDir dir;
  const fs::path file = dir.path() / "master.key";
  LoadMasterKey(std::nullopt, file, true);
  fs::permissions(file, fs::perms(0644));
  const std::string message = MasterKeyErrorOf(std::nullopt, file, true);
  EXPECT_NE(message.find("chmod 600"), std::string::npos) << message;
  fs::permissions(file, fs::perms(0640));
  EXPECT_NE(MasterKeyErrorOf(std::nullopt, file, true).find("chmod 600"), std::string::npos);
}

TEST(CryptoMasterKey, CorruptFileIsRefusedAndKept) {
  TempDir dir;
  const fs::path file = dir.path() / "master.key";
  std::ofstream(file) << "c2hvcnQ=\n";
  fs::permissions(file, fs::perms(0600));
  const std::string message = MasterKeyErrorOf(std::nullopt, file, true);
  EXPECT_NE(message.find("expected 32"), std::string::npos) << message;
  EXPECT_EQ(ReadFile(file), "c2hvcnQ=\n");
}

TEST(CryptoMasterKey, EnvironmentValueWinsAndWritesNothing) {
  TempDir dir;
  const fs::path file = dir.path() / "master.key";
  const SecretKey key = SecretKey::Random();
  EXPECT_EQ(LoadMasterKey(key.ToBase64(), file, true).bytes(), key.bytes());
  EXPECT_FALSE(fs::exists(file));
}

TEST(CryptoMasterKey, BadEnvironmentValueNamesTheVariableButNotTheValue) {
  TempDir dir;
  const fs::path file = dir.path() / "master.key";
  const std::string short_key = SecretKey::Random().ToBase64().substr(0, 24);
  for (const std::string& value : {std::string("not*base64*value"), short_key, std::string()}) {
    const std::string message = MasterKeyErrorOf(value, file, true);
    EXPECT_NE(message.find("TGMUX_MASTER_KEY"), std::string::npos) << message;
    if (!value.empty()) {
      EXPECT_EQ(message.find(value), std::string::npos) << message;
    }
  }
  EXPECT_NE(MasterKeyErrorOf(short_key, file, true).find("expected 32"), std::string::npos);
  EXPECT_FALSE(fs::exists(file));
}

}  // namespace
}  // namespace tgmux::crypto
