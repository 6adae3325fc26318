// Incremental SHA-256 over OpenSSL's EVP interface, for the checksums in metadata and status.
#pragma once

#include <memory>
#include <string>
#include <string_view>

struct evp_md_ctx_st;

namespace hivekeeper::archive {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(std::string_view bytes);
  std::string hex_digest();  // finishes the hash; call once

 private:
  evp_md_ctx_st* context_;
};

}  // namespace hivekeeper::archive
