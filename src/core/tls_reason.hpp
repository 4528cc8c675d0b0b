#pragma once
// Why a TLS handshake failed: the reason beneath the error category `tls` (core/record.hpp).
// Named from OpenSSL's verify result and the handshake's error by net/tls_failure.hpp; counted
// per run (stats::RunStats::by_tls_reason) and named in the report, the JSON (`tls_reasons`), the
// stored run (RUNS.TLS_REASONS) and the failure events (`tls_reason`).

#include <cstdint>
#include <string_view>

namespace ccload {

enum class TlsReason : std::uint8_t {
  none = 0,       // no reason named (not a tls error, or one found after the handshake)
  host_name,      // the certificate is not for the URL's host name (or address)
  expired,        // the certificate (or one of its chain) has expired
  not_yet_valid,  // the certificate is not valid yet (clocks out of step)
  unknown_ca,     // its issuer is not trusted or not found (unable to get the local issuer)
  self_signed,    // the server's certificate is self-signed and not trusted
  certificate,    // another verification verdict (revoked, bad signature, wrong purpose, ...)
  handshake,      // no version or cipher in common, an alert from the server, ...
  not_tls,        // the server did not answer in TLS (plain HTTP on an https URL)
  closed,         // the server closed the connection during the handshake
  no_h2,          // with --http2: the server did not agree to h2 by ALPN
  other,          // a tls error without a reason (counted here for `none` too)
  count_,         // not a reason: the number of them
};
inline constexpr int kTlsReasonCount = static_cast<int>(TlsReason::count_);

// The name used everywhere a reason is shown or stored; `none` is "other" (a tls error without
// a reason named).
constexpr std::string_view to_string(TlsReason reason) {
  switch (reason) {
    case TlsReason::host_name:
      return "host_name";
    case TlsReason::expired:
      return "expired";
    case TlsReason::not_yet_valid:
      return "not_yet_valid";
    case TlsReason::unknown_ca:
      return "unknown_ca";
    case TlsReason::self_signed:
      return "self_signed";
    case TlsReason::certificate:
      return "certificate";
    case TlsReason::handshake:
      return "handshake";
    case TlsReason::not_tls:
      return "not_tls";
    case TlsReason::closed:
      return "closed";
    case TlsReason::no_h2:
      return "no_h2";
    case TlsReason::none:
    case TlsReason::other:
    case TlsReason::count_:
      break;
  }
  return "other";
}

// The reason named `name` (as to_string gives it), or none for a name not known.
constexpr TlsReason tls_reason_from_string(std::string_view name) {
  for (int i = 1; i < kTlsReasonCount; ++i) {
    if (to_string(static_cast<TlsReason>(i)) == name) return static_cast<TlsReason>(i);
  }
  return TlsReason::none;
}

}  // namespace ccload
