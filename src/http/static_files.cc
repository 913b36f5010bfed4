// The built web front end (web/dist): files by path, index.html for client-side routes, and
// nothing outside the directory.

#include <filesystem>
#include <fstream>
#include <sstream>

#include "http/api.h"

namespace kam::http {
namespace {

std::string content_type_for(const std::filesystem::path& p) {
  static const std::map<std::string, std::string> types = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".ico", "image/x-icon"},
      {".woff", "font/woff"},
      {".woff2", "font/woff2"},
      {".ttf", "font/ttf"},
      {".txt", "text/plain; charset=utf-8"},
      {".map", "application/json"}};
  auto it = types.find(p.extension().string());
  return it == types.end() ? "application/octet-stream" : it->second;
}

bool read_file(const std::filesystem::path& p, std::string& out) {
  std::ifstream f(p, std::ios::binary);
  if (!f) return false;
  std::ostringstream ss;
  ss << f.rdbuf();
  out = ss.str();
  return true;
}

}  // namespace

Response Api::serve_static(const Request& req) const {
  namespace fs = std::filesystem;
  auto not_found = [] { return Response::error({ErrorCode::kNotFound, "no such page", {}}); };
  if (options_.web_dir.empty()) {
    if (req.path == "/") {
      Response r;
      r.content_type = "text/plain; charset=utf-8";
      r.body =
          "KAM is running. The web front end is not built; the API is under /api/v1 (see "
          "/api/v1/openapi.json).\n";
      return r;
    }
    return not_found();
  }
  // Refuse anything that could climb out of the web directory, before touching the disk.
  const std::string& path = req.path;
  if (path.empty() || path[0] != '/' || path.find('\0') != std::string::npos ||
      path.find('\\') != std::string::npos) {
    return not_found();
  }
  fs::path rel;
  size_t pos = 1;
  while (pos <= path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string::npos) slash = path.size();
    std::string seg = path.substr(pos, slash - pos);
    if (seg == "..") return not_found();
    if (!seg.empty() && seg != ".") rel /= seg;
    pos = slash + 1;
  }
  std::error_code ec;
  fs::path root = fs::weakly_canonical(options_.web_dir, ec);
  fs::path file = rel.empty() ? root / "index.html" : root / rel;
  fs::path canon = fs::weakly_canonical(file, ec);
  auto [rend, _] = std::mismatch(root.begin(), root.end(), canon.begin(), canon.end());
  if (ec || rend != root.end()) return not_found();
  bool is_file = fs::is_regular_file(canon, ec);
  if (!is_file) {
    // Client-side routes (no extension) get the app; missing assets are a plain 404.
    if (rel.has_extension()) return not_found();
    canon = root / "index.html";
  }
  Response r;
  if (!read_file(canon, r.body)) return not_found();
  r.content_type = content_type_for(canon);
  bool hashed_asset = path.rfind("/assets/", 0) == 0;
  r.headers.emplace_back("Cache-Control",
                         hashed_asset ? "public, max-age=31536000, immutable" : "no-cache");
  r.headers.emplace_back(
      "Content-Security-Policy",
      "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
      "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'");
  if (req.method == "HEAD") r.body.clear();
  return r;
}

}  // namespace kam::http
