#include "http/router.h"

#include <stdexcept>

namespace kam::http {
namespace {

std::vector<std::string> split_path(const std::string& p) {
  std::vector<std::string> out;
  size_t pos = 1;
  while (pos <= p.size()) {
    size_t slash = p.find('/', pos);
    if (slash == std::string::npos) slash = p.size();
    out.push_back(p.substr(pos, slash - pos));
    pos = slash + 1;
  }
  return out;
}

}  // namespace

void Router::add_entity(const domain::EntitySpec& spec) {
  for (const auto* e : entities_) {
    if (e == &spec) return;
  }
  entities_.push_back(&spec);
}

void Router::add(std::string method, std::string pattern, RouteDoc doc, Handler h,
                 bool needs_auth) {
  if (doc.summary.empty() || doc.tag.empty()) {
    throw std::logic_error("route " + method + " " + pattern + " has no API description");
  }
  Route r{std::move(method), std::move(pattern), needs_auth, std::move(h), std::move(doc), {}};
  r.segments = split_path(r.pattern);
  routes_.push_back(std::move(r));
}

Router::Match Router::match(const std::string& method, const std::string& path) const {
  Match m;
  auto segs = split_path(path);
  for (const auto& r : routes_) {
    if (r.segments.size() != segs.size()) continue;
    std::map<std::string, std::string> params;
    bool ok = true;
    for (size_t i = 0; i < segs.size() && ok; ++i) {
      const auto& pat = r.segments[i];
      if (pat.size() > 2 && pat.front() == '{' && pat.back() == '}') {
        if (segs[i].empty())
          ok = false;
        else
          params[pat.substr(1, pat.size() - 2)] = segs[i];
      } else if (pat != segs[i]) {
        ok = false;
      }
    }
    if (!ok) continue;
    if (r.method != method) {
      m.method_mismatch = true;
      continue;
    }
    m.route = &r;
    m.params = std::move(params);
    m.method_mismatch = false;
    return m;
  }
  return m;
}

}  // namespace kam::http
