#include "stats/tls_findings.hpp"

#include <fmt/format.h>

namespace ccload::stats {

namespace {

// What a reason means and how to fix it; empty for a reason said elsewhere.
std::string_view explanation(TlsReason reason) {
  switch (reason) {
    case TlsReason::host_name:
      return "the server's certificate is not for the URL's host name (or address). Use a host "
             "name the certificate lists, or --insecure to skip verification";
    case TlsReason::expired:
      return "the server's certificate has expired. Renew it (or check the server's clock), or "
             "--insecure to skip verification";
    case TlsReason::not_yet_valid:
      return "the server's certificate is not valid yet. Check the clocks of both machines, or "
             "--insecure to skip verification";
    case TlsReason::unknown_ca:
      return "the server's certificate is signed by a CA that is not trusted here (unable to get "
             "the local issuer certificate). Give that CA with --cacert FILE, or --insecure to "
             "skip verification";
    case TlsReason::self_signed:
      return "the server's certificate is self-signed. Trust it with --cacert FILE (the "
             "certificate itself), or --insecure to skip verification";
    case TlsReason::certificate:
      return "OpenSSL rejected the server's certificate (revoked, a bad signature, a wrong "
             "purpose, ...). Check it with `openssl s_client -connect HOST:PORT`, or --insecure "
             "to skip verification";
    case TlsReason::handshake:
      return "the handshake failed (no protocol version or cipher in common, or the server sent "
             "an alert, such as one asking for a client certificate: see --cert and --key)";
    case TlsReason::not_tls:
      return "the server did not answer in TLS: it speaks plain HTTP there. Use an http:// URL, "
             "or the server's https port";
    case TlsReason::closed:
      return "the server closed the connection during the handshake (overloaded, or it refused "
             "the client's hello)";
    case TlsReason::none:
    case TlsReason::other:
      return "no reason was named (an alert or a TLS error after the handshake, such as a "
             "refused client certificate under TLS 1.3)";
    case TlsReason::no_h2:
    case TlsReason::count_:
      break;
  }
  return {};
}

}  // namespace

void add_tls_findings(const RunSummary& s, std::vector<std::string>& out) {
  for (int i = 0; i < kTlsReasonCount; ++i) {
    const std::uint64_t n = s.tls_reasons[static_cast<std::size_t>(i)];
    const auto reason = static_cast<TlsReason>(i);
    const std::string_view why = explanation(reason);
    if (n == 0 || why.empty()) continue;
    out.push_back(fmt::format("{} {} failed as tls (tls: {}): {}.", n,
                              n == 1 ? "request" : "requests", to_string(reason), why));
  }
}

}  // namespace ccload::stats
