#include "engine/redirect.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include "core/text.hpp"

namespace ccload::engine {

std::optional<net::Target> redirect_target(const net::Target& from, std::string_view location) {
  const auto base = boost::urls::parse_uri(from.url);
  const auto reference = boost::urls::parse_uri_reference(location);
  if (!base || !reference) return std::nullopt;
  boost::urls::url resolved;
  if (!boost::urls::resolve(*base, *reference, resolved)) return std::nullopt;
  resolved.remove_fragment();
  try {
    return net::parse_target(resolved.buffer());
  } catch (const net::UrlError&) {  // not http(s), no host, a bad port: rare, off the hot path
    return std::nullopt;
  }
}

bool same_origin(const net::Target& a, const net::Target& b) {
  return a.tls == b.tls && a.port == b.port && iequals(a.host, b.host);
}

}  // namespace ccload::engine
