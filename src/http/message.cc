#include "http/message.h"

namespace kam::http {

int status_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalid:
      return 400;
    case ErrorCode::kUnauthenticated:
      return 401;
    case ErrorCode::kForbidden:
      return 403;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kConflict:
      return 409;
    case ErrorCode::kTooLarge:
      return 413;
    case ErrorCode::kTooManyRequests:
      return 429;
    case ErrorCode::kUnavailable:
      return 503;
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

Response Response::json_body(const json& j, int status) {
  Response r;
  r.status = status;
  r.body = j.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

Response internal_error(const std::string& request_id) {
  json err = {{"code", error_code_name(ErrorCode::kInternal)},
              {"message", "internal error; quote request id " + request_id},
              {"field", nullptr},
              {"request_id", request_id}};
  return Response::json_body({{"error", err}}, 500);
}

Response Response::error(const Error& e) {
  if (e.code == ErrorCode::kInternal) {
    // The detail stays on the server (Api::handle logs it with the request id).
    Response r = json_body(
        {{"error",
          {{"code", error_code_name(e.code)}, {"message", "internal error"}, {"field", nullptr}}}},
        500);
    r.internal_detail = e.message.empty() ? "internal error" : e.message;
    return r;
  }
  json err = {{"code", error_code_name(e.code)}, {"message", e.message}};
  err["field"] = e.field.empty() ? json(nullptr) : json(e.field);
  Response r = json_body({{"error", err}}, status_for(e.code));
  if (e.code == ErrorCode::kTooManyRequests && e.retry_after > 0) {
    r.headers.emplace_back("Retry-After", std::to_string(e.retry_after));
  }
  return r;
}

Result<json> parse_json_body(const std::string& body) {
  if (body.empty()) return Error::invalid("", "the request needs a JSON body");
  int depth = 0;
  bool in_str = false, esc = false;
  for (char c : body) {
    if (in_str) {
      if (esc)
        esc = false;
      else if (c == '\\')
        esc = true;
      else if (c == '"')
        in_str = false;
      continue;
    }
    if (c == '"')
      in_str = true;
    else if (c == '{' || c == '[') {
      if (++depth > 32) return Error::invalid("", "the JSON body is nested too deeply");
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  try {
    return json::parse(body);
  } catch (const json::parse_error& e) {
    // "[json.exception.parse_error.101] parse error at line 1, column 14: syntax error ..."
    std::string what = e.what();
    auto colon = what.find(": ", what.find("column"));
    std::string detail = colon == std::string::npos ? what : what.substr(colon + 2);
    return Error::invalid(
        "", "malformed JSON at byte " + std::to_string(e.byte) + ": " + detail.substr(0, 160));
  } catch (const json::exception&) {
    // e.g. a number beyond a double ("1e309"): nlohmann reports it as out of range.
    return Error::invalid("", "malformed JSON: a number is out of range");
  }
}

bool url_decode(std::string_view in, std::string& out, bool plus_is_space) {
  out.clear();
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size() || !std::isxdigit(static_cast<unsigned char>(in[i + 1])) ||
          !std::isxdigit(static_cast<unsigned char>(in[i + 2]))) {
        return false;
      }
      out += static_cast<char>(std::stoi(std::string(in.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return true;
}

bool parse_query(const std::string& qs, std::map<std::string, std::string>& out) {
  size_t pos = 0;
  while (pos <= qs.size()) {
    size_t amp = qs.find('&', pos);
    if (amp == std::string::npos) amp = qs.size();
    std::string_view part(qs.data() + pos, amp - pos);
    if (!part.empty()) {
      auto eq = part.find('=');
      std::string k, v;
      if (!url_decode(part.substr(0, eq), k, true)) return false;
      if (eq != std::string_view::npos && !url_decode(part.substr(eq + 1), v, true)) return false;
      out[k] = v;
    }
    pos = amp + 1;
  }
  return true;
}

}  // namespace kam::http
