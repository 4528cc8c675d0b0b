#pragma once
// Why a client TLS handshake failed, as curl names it: from OpenSSL's verify result (the
// certificate's verdict, SSL_get_verify_result) and, when the certificate was not at fault, the
// handshake's error. No allocation: a value computed from two numbers.

#include <boost/system/error_code.hpp>

#include "core/tls_reason.hpp"

namespace ccload::net {

// `handshake_error`: what async_handshake reported (non-zero); `verify_result`: the X509_V_*
// code OpenSSL kept for the handshake (X509_V_OK when the certificate was never judged or
// passed). Never returns TlsReason::none.
TlsReason tls_failure_reason(const boost::system::error_code& handshake_error, long verify_result);

}  // namespace ccload::net
