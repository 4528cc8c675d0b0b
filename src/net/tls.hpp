#pragma once
// The client TLS configuration shared by the engine and the log shippers.

#include <openssl/ssl.h>

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <string>
#include <vector>

#include "core/tls_options.hpp"

namespace ccload::net {

using TlsOptions = ccload::TlsOptions;  // core/tls_options.hpp

// Throws std::runtime_error (one line) when ca_file, cert_file or key_file cannot be loaded, or
// when the key does not match the certificate (SSL_CTX_check_private_key).
boost::asio::ssl::context make_client_context(const TlsOptions& options);

// True when `host` is an IPv4 or IPv6 address rather than a name.
bool is_ip_literal(const std::string& host);

// Before a client handshake: SNI for host names (not addresses), and verification of the
// certificate against `host` (effective when the context verifies peers). OpenSSL checks the name
// itself (SSL_set1_host, or the IP address), within its chain verification: a mismatch is
// X509_V_ERR_HOSTNAME_MISMATCH (or IP_ADDRESS_MISMATCH) in SSL_get_verify_result and the server
// gets a bad_certificate alert, where a verify callback that returns false leaves the result
// X509_V_OK and makes OpenSSL send internal_error. Returns false when OpenSSL could not take the
// name (out of memory): the handshake must not go ahead unverified then.
bool prepare_client_handshake(SSL* ssl, const std::string& host);
template <class Stream>
bool prepare_client_handshake(boost::asio::ssl::stream<Stream>& stream, const std::string& host) {
  return prepare_client_handshake(stream.native_handle(), host);
}

}  // namespace ccload::net
