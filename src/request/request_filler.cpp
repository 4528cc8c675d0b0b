#include "request/request_filler.hpp"

#include <algorithm>

#include "core/text.hpp"
#include "request/origin_form.hpp"

namespace ccload::request {

namespace {

std::size_t headers_max(const TargetSpec& spec, const TargetTemplates& t) {
  std::size_t total = 0;
  for (std::size_t h = 0; h < spec.headers.size(); ++h) {
    total += spec.headers[h].first.size() + t.header_values[h].max_filled_size();
  }
  return total;
}

std::size_t values_max(const TargetTemplates& t) {
  std::size_t total = 0;
  for (const Template& value : t.header_values) total += value.max_filled_size();
  return total;
}

}  // namespace

RequestFiller::RequestFiller(const core::RunPlan& plan) : plan_(plan), templates_(*plan.templates) {
  std::size_t url = 0, values = 0, body = 0, bytes = 0, headers = 0;
  for (std::size_t t = 0; t < plan.targets.size(); ++t) {
    const TargetSpec& spec = plan.targets[t];
    const TargetTemplates& tt = templates_.targets[t];
    headers = std::max(headers, spec.headers.size());
    if (tt.is_static) continue;
    url = std::max(url, tt.url.max_filled_size());
    values = std::max(values, values_max(tt));
    body = std::max(body, tt.body.max_filled_size());
    // A Host header's filled value may stand in for the host: count the larger of the two.
    bytes = std::max(
        bytes, http1_request_size(spec.method, tt.url.max_filled_size() + 1, tt.where.host_header,
                                  spec.headers.size(), headers_max(spec, tt),
                                  tt.body.max_filled_size(), spec.content_type));
  }
  url_.reserve(url);
  target_.reserve(url + 1);
  values_.reserve(values);
  body_.reserve(body);
  bytes_.reserve(bytes);
  headers_.reserve(headers);
  value_ends_.reserve(headers);
}

FillFailure RequestFiller::fill(std::uint32_t target, std::uint64_t slot, std::int64_t now_ms,
                                FilledRequest& request) {
  const TargetSpec& spec = plan_.targets[target];
  const TargetTemplates& tt = templates_.targets[target];
  const TargetSpec& fixed = tt.static_spec;
  headers_.clear();
  if (tt.is_static) {
    for (const auto& [name, value] : fixed.headers) headers_.push_back({name, value});
    request = FilledRequest{
        .method = spec.method,
        .scheme = tt.where.tls ? "https" : "http",
        .authority = tt.where.host_header,
        .path = tt.where.request_target,
        .headers = headers_,
        .body = fixed.body,
        .content_type = spec.content_type,
        .url = fixed.url,
        .http1 = tt.static_request,
        .row = std::nullopt,
    };
    for (const HeaderView& header : headers_) {
      if (iequals(header.name, "Host")) request.authority = header.value;
    }
    return FillFailure::none;
  }
  FillValues values{.seq = slot + 1, .now_ms = now_ms, .row = 0};
  const std::uint64_t shards = std::max(1u, plan_.shard_count);
  Rng rng = request_rng(plan_.seed, slot, plan_.shard_index, shards);
  std::optional<std::uint64_t> row;
  if (tt.uses_row && templates_.data && templates_.data->rows() > 0) {
    row = pick_row(templates_.order, slot, templates_.data->rows(), plan_.shard_index, shards, rng);
    if (!row) return FillFailure::no_row;
    values.row = static_cast<std::size_t>(*row);
  }
  url_.clear();
  (void)tt.url.fill(url_, rng, values);  // values are percent-encoded: it cannot fail
  target_.clear();
  append_origin_form(target_, url_, tt.authority_size);
  if (!is_origin_form(target_)) return FillFailure::url;
  values_.clear();
  value_ends_.clear();
  for (const Template& value : tt.header_values) {
    if (!value.fill(values_, rng, values)) return FillFailure::header_value;
    value_ends_.push_back(values_.size());
  }
  body_.clear();
  (void)tt.body.fill(body_, rng, values);  // a body takes any bytes
  std::string_view authority = tt.where.host_header;
  std::size_t from = 0;
  for (std::size_t h = 0; h < spec.headers.size(); ++h) {
    const std::string_view value(values_.data() + from, value_ends_[h] - from);
    headers_.push_back({spec.headers[h].first, value});
    if (iequals(spec.headers[h].first, "Host")) authority = value;
    from = value_ends_[h];
  }
  bytes_.clear();
  append_http1_request(bytes_, spec.method, target_, tt.where.host_header, headers_, body_,
                       spec.content_type);
  request = FilledRequest{
      .method = spec.method,
      .scheme = tt.where.tls ? "https" : "http",
      .authority = authority,
      .path = target_,
      .headers = headers_,
      .body = body_,
      .content_type = spec.content_type,
      .url = url_,
      .http1 = bytes_,
      .row = row,
  };
  return FillFailure::none;
}

}  // namespace ccload::request
