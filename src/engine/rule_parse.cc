// The rule language's text side: tokens and the syntax tree, with positions for errors.

#include <algorithm>
#include <cmath>
#include <cstring>

#include "engine/rule_ast.h"

namespace kam::engine::rules {
namespace {

// Limits on what a condition may be: the parser recurses (about eight stack frames per level of
// parentheses), so neither a long text nor a deeply nested one may exhaust the stack of the
// worker that compiles it.
constexpr size_t kMaxLength = 4000;  // bytes
constexpr int kMaxDepth = 64;        // levels of parentheses, function calls, '-' and 'not'
// The compiler and the evaluation recurse over the syntax tree, whose long chains of operators
// (1 + 1 + … , a and b and …) the parser builds in a loop: its height is bounded too.
constexpr int kMaxHeight = 256;
// Far beyond any schema's history (the compiler names the schema's own limit), yet small enough
// that the offset and the shifts of field macros stay well inside an int.
constexpr double kMaxMonthOffset = 1200;

// Position in characters (UTF-8 code points), 1-based, of byte offset `at`.
size_t char_pos(std::string_view text, size_t at) {
  size_t n = 1;
  for (size_t i = 0; i < at && i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++n;
  }
  return n;
}

bool ident_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool ident_char(char c) {
  return ident_start(c) || (c >= '0' && c <= '9');
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

Error syntax_error(std::string_view text, size_t at, const std::string& message) {
  return Error::invalid("condition",
                        "at position " + std::to_string(char_pos(text, at)) + ": " + message);
}

Result<std::vector<Token>> tokenize(std::string_view s, size_t limit) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
      continue;
    }
    if (i >= limit) break;
    Token t;
    t.pos = i;
    if (ident_start(c)) {
      size_t b = i;
      while (i < s.size() && ident_char(s[i])) ++i;
      std::string word(s.substr(b, i - b));
      std::string low = lower(word);
      if (low == "and" || low == "or" || low == "not" || low == "in" || low == "true" ||
          low == "false") {
        t.kind = TokKind::kKeyword;
        t.text = low;
      } else {
        t.kind = TokKind::kIdent;
        t.text = word;
      }
    } else if ((c >= '0' && c <= '9') ||
               (c == '.' && i + 1 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '9')) {
      size_t b = i;
      while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.')) ++i;
      std::string num(s.substr(b, i - b));
      if (std::count(num.begin(), num.end(), '.') > 1)
        return syntax_error(s, b, "'" + num + "' is not a number");
      t.kind = TokKind::kNumber;
      t.number = std::strtod(num.c_str(), nullptr);
      t.text = num;
      // A percent sign right after a number: 30% is 30 (the *_pct fields are in percent).
      if (i < s.size() && s[i] == '%') ++i;
    } else if (c == '"' || c == '\'') {
      size_t b = ++i;
      while (i < s.size() && s[i] != c) ++i;
      if (i >= s.size())
        return syntax_error(s, t.pos, "this text is never closed with " + std::string(1, c));
      t.kind = TokKind::kString;
      t.text = std::string(s.substr(b, i - b));
      ++i;
    } else {
      static const char* const ops[] = {"<=", ">=", "==", "!=", "<>", "&&", "||", "<", ">", "=",
                                        "+",  "-",  "*",  "/",  "(",  ")",  "[",  "]", ",", "!"};
      const char* hit = nullptr;
      for (const char* op : ops) {
        size_t n = std::strlen(op);
        if (s.substr(i, n) == op) {
          hit = op;
          break;
        }
      }
      if (!hit) {
        size_t n = 1;
        while (i + n < s.size() && (static_cast<unsigned char>(s[i + n]) & 0xC0) == 0x80) ++n;
        return syntax_error(s, i, "unexpected '" + std::string(s.substr(i, n)) + "'");
      }
      std::string op = hit;
      i += op.size();
      // Spellings for the same thing: = and == , <> and != , && and, || or, ! not.
      if (op == "=") op = "==";
      if (op == "<>") op = "!=";
      if (op == "&&" || op == "||" || op == "!") {
        t.kind = TokKind::kKeyword;
        t.text = op == "&&" ? "and" : op == "||" ? "or" : "not";
      } else {
        t.kind = TokKind::kOp;
        t.text = op;
      }
    }
    out.push_back(std::move(t));
  }
  Token end;
  end.kind = TokKind::kEnd;
  end.pos = i;  // the end of the text, or the first token not read
  out.push_back(end);
  return out;
}

namespace {

class Parser {
 public:
  Parser(std::string_view text, std::vector<Token> tokens) : text_(text), t_(std::move(tokens)) {}

  Result<AstPtr> parse() {
    KAM_TRY(e, expr());
    if (peek().kind != TokKind::kEnd)
      return error(peek(), "expected the end of the condition, found " + describe(peek()));
    return e;
  }

 private:
  const Token& peek() const { return t_[at_]; }
  const Token& next() { return t_[at_++]; }
  bool is(TokKind k, const char* text) const { return peek().kind == k && peek().text == text; }
  Error error(const Token& t, const std::string& m) const { return syntax_error(text_, t.pos, m); }
  static std::string describe(const Token& t) {
    switch (t.kind) {
      case TokKind::kEnd:
        return "the end";
      case TokKind::kString:
        return "text '" + t.text + "'";
      default:
        return "'" + t.text + "'";
    }
  }
  // Enters one level of nesting at `t`; leave() when the level is parsed.
  Status enter(const Token& t) {
    if (++depth_ <= kMaxDepth) return {};
    return error(t, "the condition is nested more than " + std::to_string(kMaxDepth) +
                        " levels deep (parentheses, function calls, '-' and 'not')");
  }
  void leave() { --depth_; }
  // Adds `kid` to the operands of `parent`, refusing a tree higher than kMaxHeight.
  Status attach(Ast& parent, AstPtr kid) {
    parent.height = std::max(parent.height, kid->height + 1);
    parent.args.push_back(std::move(kid));
    if (parent.height <= kMaxHeight) return {};
    return syntax_error(text_, parent.pos,
                        "the condition chains or nests more than " + std::to_string(kMaxHeight) +
                            " operators: split it into simpler rules");
  }
  AstPtr make(AstKind k, const Token& t) {
    auto a = std::make_unique<Ast>();
    a->kind = k;
    a->pos = t.pos;
    return a;
  }

  Result<AstPtr> expr() { return binary_level(0); }

  // Precedence: or < and < comparison < + - < * /.
  Result<AstPtr> binary_level(int level) {
    static const std::vector<std::vector<std::string>> ops = {
        {"or"}, {"and"}, {"<", "<=", ">", ">=", "==", "!="}, {"+", "-"}, {"*", "/"}};
    if (level >= static_cast<int>(ops.size())) return unary();
    if (level == 2) return comparison();
    KAM_TRY(left, binary_level(level + 1));
    for (;;) {
      const Token& t = peek();
      bool hit = false;
      for (const auto& op : ops[static_cast<size_t>(level)]) {
        if ((t.kind == TokKind::kOp || t.kind == TokKind::kKeyword) && t.text == op) hit = true;
      }
      if (!hit) return left;
      next();
      KAM_TRY(right, binary_level(level + 1));
      auto b = make(AstKind::kBinary, t);
      b->text = t.text;
      KAM_CHECK(attach(*b, std::move(left)));
      KAM_CHECK(attach(*b, std::move(right)));
      left = std::move(b);
    }
  }

  // Comparisons do not chain (a < b < c is an error), and `x in (...)`, `not` bind here.
  Result<AstPtr> comparison() {
    if (is(TokKind::kKeyword, "not")) {
      const Token& t = next();
      KAM_CHECK(enter(t));
      KAM_TRY(inner, comparison());
      leave();
      auto n = make(AstKind::kUnary, t);
      n->text = "not";
      KAM_CHECK(attach(*n, std::move(inner)));
      return n;
    }
    KAM_TRY(left, binary_level(3));
    const Token& t = peek();
    if (t.kind == TokKind::kKeyword && (t.text == "in" || t.text == "not")) {
      bool negate = t.text == "not";
      next();
      if (negate) {
        if (!is(TokKind::kKeyword, "in")) return error(peek(), "expected 'in' after 'not'");
        next();
      }
      if (!is(TokKind::kOp, "("))
        return error(peek(), "expected '(' and a list of values after 'in'");
      next();
      auto in = make(AstKind::kIn, t);
      in->negate = negate;
      KAM_CHECK(attach(*in, std::move(left)));
      for (;;) {
        const Token& v = next();
        if (v.kind != TokKind::kString && v.kind != TokKind::kNumber)
          return error(v, "expected a value in the list, found " + describe(v));
        auto lit = make(v.kind == TokKind::kString ? AstKind::kString : AstKind::kNumber, v);
        lit->text = v.text;
        lit->number = v.number;
        KAM_CHECK(attach(*in, std::move(lit)));
        if (is(TokKind::kOp, ",")) {
          next();
          continue;
        }
        if (is(TokKind::kOp, ")")) {
          next();
          break;
        }
        return error(peek(), "expected ',' or ')' in the list, found " + describe(peek()));
      }
      return in;
    }
    static const std::set<std::string> cmp = {"<", "<=", ">", ">=", "==", "!="};
    if (t.kind != TokKind::kOp || !cmp.count(t.text)) return left;
    next();
    KAM_TRY(right, binary_level(3));
    if (peek().kind == TokKind::kOp && cmp.count(peek().text)) {
      return error(peek(), "comparisons do not chain: write a < b and b < c");
    }
    auto b = make(AstKind::kBinary, t);
    b->text = t.text;
    KAM_CHECK(attach(*b, std::move(left)));
    KAM_CHECK(attach(*b, std::move(right)));
    return b;
  }

  Result<AstPtr> unary() {
    if (is(TokKind::kOp, "-")) {
      const Token& t = next();
      KAM_CHECK(enter(t));
      KAM_TRY(inner, unary());
      leave();
      auto n = make(AstKind::kUnary, t);
      n->text = "-";
      KAM_CHECK(attach(*n, std::move(inner)));
      return n;
    }
    return primary();
  }

  Result<AstPtr> primary() {
    const Token& t = next();
    switch (t.kind) {
      case TokKind::kNumber: {
        auto n = make(AstKind::kNumber, t);
        n->number = t.number;
        return n;
      }
      case TokKind::kString: {
        auto n = make(AstKind::kString, t);
        n->text = t.text;
        return n;
      }
      case TokKind::kKeyword:
        if (t.text == "true" || t.text == "false") {
          auto n = make(AstKind::kBool, t);
          n->number = t.text == "true";
          return n;
        }
        return error(t, "expected a value, found " + describe(t));
      case TokKind::kIdent: {
        if (is(TokKind::kOp, "(")) {
          KAM_CHECK(enter(next()));
          auto call = make(AstKind::kCall, t);
          call->text = t.text;
          if (!is(TokKind::kOp, ")")) {
            for (;;) {
              KAM_TRY(arg, expr());
              KAM_CHECK(attach(*call, std::move(arg)));
              if (is(TokKind::kOp, ",")) {
                next();
                continue;
              }
              break;
            }
          }
          if (!is(TokKind::kOp, ")"))
            return error(peek(),
                         "expected ')' to close " + t.text + "(, found " + describe(peek()));
          next();
          leave();
          return call;
        }
        auto f = make(AstKind::kField, t);
        f->text = t.text;
        if (is(TokKind::kOp, "[")) {
          const Token& open = next();
          bool minus = false;
          if (is(TokKind::kOp, "-")) {
            next();
            minus = true;
          }
          const Token& k = next();
          if (k.kind == TokKind::kEnd) return error(k, "the condition ends too early");
          if (k.kind != TokKind::kNumber || k.number != std::floor(k.number) || !minus ||
              k.number < 1) {
            return error(
                open, "a month offset is written [-1] (the run month), [-2] (the month before) …");
          }
          if (k.number > kMaxMonthOffset) {
            return error(k, "the month offset [-" + k.text.substr(0, 20) +
                                (k.text.size() > 20 ? "…" : "") + "] is out of range");
          }
          if (!is(TokKind::kOp, "]")) return error(peek(), "expected ']' after the month offset");
          next();
          f->offset = static_cast<int>(k.number);
          f->explicit_offset = true;
        }
        return f;
      }
      case TokKind::kOp:
        if (t.text == "(") {
          KAM_CHECK(enter(t));
          KAM_TRY(inner, expr());
          if (!is(TokKind::kOp, ")"))
            return error(peek(), "expected ')', found " + describe(peek()));
          next();
          leave();
          return inner;
        }
        return error(t, "expected a value, found " + describe(t));
      case TokKind::kEnd:
        return error(t, "the condition ends too early");
    }
    return error(t, "unexpected " + describe(t));
  }

  std::string_view text_;
  std::vector<Token> t_;
  size_t at_ = 0;
  int depth_ = 0;
};

}  // namespace

Result<AstPtr> parse(std::string_view text) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return Error::invalid("condition", "at position 1: the condition is empty");
  }
  // A text over the limit is read only up to it: the first problem in the text is the answer,
  // a syntax error (or too deep a nesting) before the limit, or else the length.
  KAM_TRY(tokens, tokenize(text, kMaxLength));
  Parser p(text, std::move(tokens));
  auto ast = p.parse();
  if (text.size() <= kMaxLength) return ast;
  Error too_long = syntax_error(
      text, kMaxLength, "the condition is longer than " + std::to_string(kMaxLength) + " bytes");
  if (!ast.ok() && error_position(ast.error()) < error_position(too_long)) return ast.error();
  return too_long;
}

size_t error_position(const Error& e) {
  const std::string prefix = "at position ";
  if (e.message.rfind(prefix, 0) != 0) return 0;
  return static_cast<size_t>(std::strtoull(e.message.c_str() + prefix.size(), nullptr, 10));
}

}  // namespace kam::engine::rules
