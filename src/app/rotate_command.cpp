#include "app/rotate_command.h"

#include <iostream>
#include <optional>

#include "app/data_dir_lock.h"
#include "crypto/keys.h"
#include "store/rekey/rotation.h"

namespace tgmux::app {
namespace {

namespace fs = std::filesystem;

// Prints each table as the rotation reaches it.
class Progress {
 public:
  void operator()(std::string_view table, std::int64_t resealed) {
    if (table == table_) return;
    table_ = table;
    std::cerr << "  " << table << " (" << resealed << " values re-sealed so far)" << std::endl;
  }

 private:
  std::string table_;
};

}  // namespace

int RotateMasterKeyCommand(const config::Config& config, const RotateOptions& options) {
  std::optional<DataDirLock> lock;
  std::optional<crypto::Envelope> old_key, new_key;
  std::optional<crypto::SecretKey> new_secret;
  std::error_code ec;
  if (!fs::is_regular_file(options.new_key_file, ec)) {
    std::cerr << "tgmux: rotate-master-key: --new-key-file " << options.new_key_file
              << " does not exist (make one: (umask 077; openssl rand -base64 32 > FILE))" << std::endl;
    return 2;
  }
  try {
    lock.emplace(config.data_dir);
    old_key.emplace(crypto::LoadMasterKey(config.master_key, config.data_dir / "master.key", false));
    new_secret = crypto::LoadMasterKey(std::nullopt, options.new_key_file, false);
    new_key.emplace(*new_secret);
  } catch (const DataDirLockError& e) {
    std::cerr << "tgmux: rotate-master-key: " << e.what() << std::endl;
    return 2;
  } catch (const crypto::MasterKeyError& e) {
    std::cerr << "tgmux: rotate-master-key: " << e.what() << std::endl;
    return 2;
  }
  const bool key_from_env = config.master_key.has_value();
  store::rekey::RotationOptions rotation;
  rotation.postgres = config.postgres;
  rotation.sqlite = config.DatabasePath();
  rotation.batch_rows = options.batch_rows;
  rotation.stop_after_batches = options.stop_after_batches;
  rotation.progress = Progress();
  rotation.install_new_key = [&] {
    // With TGMUX_MASTER_KEY the operator changes it; the file is ours to replace.
    if (!key_from_env) crypto::WriteMasterKeyFile(config.data_dir / "master.key", *new_secret);
  };
  std::cerr << "tgmux rotate-master-key: re-sealing under the key in " << options.new_key_file << std::endl;
  try {
    auto result = store::rekey::RotateMasterKey(rotation, *old_key, *new_key);
    if (result.stopped) {
      std::cerr << "tgmux rotate-master-key: stopped after " << result.batches
                << " batches as asked; run it again to finish" << std::endl;
      return 3;
    }
    std::cerr << "tgmux rotate-master-key: done" << (result.resumed ? " (a half-finished rotation was finished)" : "")
              << ": " << result.resealed << " values re-sealed in " << result.batches << " batches; the old key opens "
              << "nothing now. "
              << (key_from_env ? "Set TGMUX_MASTER_KEY to the new key (the base64 in " + options.new_key_file +
                                     ") before starting tgmux."
                               : (config.data_dir / "master.key").string() + " holds the new key: keep a copy of it "
                                     "safe, without it the data cannot be read.")
              << std::endl;
    return 0;
  } catch (const store::rekey::RotationRefused& e) {
    std::cerr << "tgmux: rotate-master-key: " << e.what() << std::endl;
    return 2;
  } catch (const crypto::MasterKeyError& e) {
    std::cerr << "tgmux: rotate-master-key: every value is re-sealed but the new key could not be installed: "
              << e.what() << "; run it again to finish" << std::endl;
    return 1;
  } catch (const store::StoreError& e) {
    std::cerr << "tgmux: rotate-master-key: " << e.what()
              << "; every value still opens under the old or the new key: run it again to finish" << std::endl;
    return 1;
  }
}

}  // namespace tgmux::app
