#include "request/run_templates.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/text.hpp"
#include "request/http1_request.hpp"

namespace ccload::request {

namespace {

bool any_of_parts(const TargetTemplates& t, bool (Template::*uses)() const) {
  return (t.url.*uses)() || (t.body.*uses)() ||
         std::any_of(t.header_values.begin(), t.header_values.end(),
                     [&](const Template& value) { return (value.*uses)(); });
}

TargetTemplates compile_target(const TargetSpec& target, std::string_view of, const DataSet* data,
                               const EnvLookup& env, std::uint64_t seed) {
  const std::string url_part = fmt::format("the URL{}", of);
  const std::string body_part = fmt::format("the body{}", of);
  TargetTemplates out{
      .url = Template::compile(target.url,
                               {.part = url_part, .escape = Escape::url, .env = env, .data = data}),
      .header_values = {},
      .body = Template::compile(target.body,
                                {.part = body_part,
                                 .escape = is_json_body(target) ? Escape::json : Escape::none,
                                 .env = env,
                                 .data = data}),
      .where = {},
  };
  for (const auto& [name, value] : target.headers) {
    const std::string part = fmt::format("the header {}{}", printable(name), of);
    out.header_values.push_back(Template::compile(
        value, {.part = part, .escape = Escape::header, .env = env, .data = data}));
  }
  out.authority_size = authority_size(target.url);
  out.is_static = out.url.is_static() && out.body.is_static() &&
                  std::all_of(out.header_values.begin(), out.header_values.end(),
                              [](const Template& value) { return value.is_static(); });
  out.uses_row = any_of_parts(out, &Template::uses_row);
  out.uses_now = any_of_parts(out, &Template::uses_now);

  // The first row, as the checks before sending see it.
  Rng rng(seed, 0);
  const FillValues first{.seq = 1, .now_ms = 0, .row = 0};
  (void)out.url.fill(out.first_url, rng, first);  // a URL value never fails
  out.static_spec = target;
  for (std::size_t h = 0; h < target.headers.size(); ++h) {
    // Only a {{col}} value can fail here: such a request fails when it is filled, not the run.
    std::string value;
    if (out.header_values[h].fill(value, rng, first)) out.static_spec.headers[h].second = value;
  }
  (void)out.body.fill(out.first_body, rng, first);
  try {
    out.where = net::parse_target(out.first_url);
  } catch (const net::UrlError& error) {
    if (out.url.is_static()) throw;
    throw net::UrlError(
        fmt::format("{} filled with the first row is not a valid URL: {}", url_part, error.what()));
  }
  std::string origin_form;
  append_origin_form(origin_form, out.first_url, out.authority_size);
  if (origin_form != out.where.request_target) {  // the filler cuts the URL where its path starts
    throw net::UrlError(fmt::format(
        "{} filled with the first row ({}) does not have its path right after its host: write it "
        "as http://HOST[:PORT]/PATH",
        url_part, printable(out.first_url)));
  }
  out.static_spec.url = out.first_url;
  out.static_spec.body = out.first_body;
  if (out.is_static) {
    std::vector<HeaderView> views;
    for (const auto& [name, value] : out.static_spec.headers) views.push_back({name, value});
    append_http1_request(out.static_request, target.method, out.where.request_target,
                         out.where.host_header, views, out.static_spec.body, target.content_type);
  }
  return out;
}

}  // namespace

std::size_t authority_size(std::string_view url) {
  const std::size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return url.size();
  return std::min(url.find_first_of("/?#", scheme + 3), url.size());
}

void append_origin_form(std::string& out, std::string_view url, std::size_t authority_size) {
  std::string_view rest = url.substr(std::min(authority_size, url.size()));
  rest = rest.substr(0, std::min(rest.find('#'), rest.size()));
  if (rest.empty() || rest.front() != '/') out.push_back('/');
  out.append(rest);
}

bool RunTemplates::any_field() const {
  return std::any_of(targets.begin(), targets.end(),
                     [](const TargetTemplates& t) { return !t.is_static; });
}

bool is_json_body(const TargetSpec& target) {
  auto names_json = [](std::string_view type) {
    std::string lower(type);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return lower.find("json") != std::string::npos;
  };
  for (const auto& [name, value] : target.headers) {
    if (iequals(name, "Content-Type")) return names_json(value);
  }
  return names_json(target.content_type);
}

std::shared_ptr<const RunTemplates> compile_templates(const std::vector<TargetSpec>& targets,
                                                      std::shared_ptr<const DataSet> data,
                                                      std::string data_file, RowOrder order,
                                                      const EnvLookup& env, std::uint64_t seed) {
  auto run = std::make_shared<RunTemplates>();
  run->data = std::move(data);
  run->data_file = std::move(data_file);
  run->order = order;
  run->targets.reserve(targets.size());
  for (std::size_t t = 0; t < targets.size(); ++t) {
    const std::string of = targets.size() > 1 ? fmt::format(" of target {}", t + 1) : "";
    run->targets.push_back(compile_target(targets[t], of, run->data.get(), env, seed));
  }
  return run;
}

}  // namespace ccload::request
