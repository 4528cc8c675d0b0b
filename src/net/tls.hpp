#pragma once
// The client TLS configuration shared by the engine and the log shippers.

#include <boost/asio/ssl/context.hpp>
#include <string>

namespace ccload::net {

struct TlsOptions {
  bool verify = true;   // verify the certificate chain and the host name (--insecure turns off)
  std::string ca_file;  // PEM bundle to trust instead of the system store (--cacert)
};

// Throws std::runtime_error (one line) when ca_file cannot be loaded.
boost::asio::ssl::context make_client_context(const TlsOptions& options);

}  // namespace ccload::net
