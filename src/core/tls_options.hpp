#pragma once
// What a run asks of TLS (the engine's and the log shippers' client contexts are made from it by
// net::make_client_context).

#include <string>
#include <vector>

namespace ccload {

struct TlsOptions {
  bool verify = true;   // verify the certificate chain and the host name (--insecure turns off)
  std::string ca_file;  // PEM bundle to trust instead of the system store (--cacert)
  // A client certificate (PEM, may hold the chain) and its private key (PEM), sent when the server
  // asks for one (--cert, --key). Both or neither.
  std::string cert_file, key_file;
  // ALPN protocols offered in the handshake, in preference order ("h2"); empty = no ALPN.
  std::vector<std::string> alpn;
};

}  // namespace ccload
