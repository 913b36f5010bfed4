// The rule language's execution side: the syntax tree checked against a schema and turned
// into a tree of vector operators, evaluated a chunk of rows at a time.

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

#include "engine/rule_ast.h"

namespace kam::engine::rules {

constexpr size_t kChunk = 1024;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Buffers and bound columns of one evaluation (a Program stays const and reentrant).
struct EvalCtx {
  std::vector<double> num;       // kChunk per node
  std::vector<uint8_t> truth;    // kChunk per node
  std::vector<int32_t> cat;      // kChunk per node
  std::vector<const void*> col;  // per node: its bound column, for leaves
  int64_t ref_day = 0;
  double* nbuf(int id) { return num.data() + static_cast<size_t>(id) * kChunk; }
  uint8_t* bbuf(int id) { return truth.data() + static_cast<size_t>(id) * kChunk; }
  int32_t* cbuf(int id) { return cat.data() + static_cast<size_t>(id) * kChunk; }
};

struct Node {
  Type type = Type::kNum;
  int id = 0;
  std::vector<std::unique_ptr<Node>> kids;
  virtual ~Node() = default;
  virtual Status bind(EvalCtx& ctx, const Batch& b) const {
    for (const auto& k : kids) KAM_CHECK(k->bind(ctx, b));
    return {};
  }
  virtual const double* num(EvalCtx&, size_t, size_t) const { return nullptr; }
  virtual const uint8_t* truth(EvalCtx&, size_t, size_t) const { return nullptr; }
  virtual const int32_t* cat(EvalCtx&, size_t, size_t) const { return nullptr; }
};
using NodePtr = std::unique_ptr<Node>;

// An aggregate over a customer's members: a member-level expression, reduced per customer.
struct Aggregate {
  enum Kind { kShare, kCount, kAny, kSum, kAvg, kMax, kMin } kind = kShare;
  NodePtr expr;
  int nodes = 0;
};

namespace {

// ---- leaves ---------------------------------------------------------------------------------

struct NumConst : Node {
  double v;
  explicit NumConst(double x) : v(x) { type = Type::kNum; }
  const double* num(EvalCtx& c, size_t, size_t n) const override {
    double* o = c.nbuf(id);
    std::fill(o, o + n, v);
    return o;
  }
};

struct BoolConst : Node {
  bool v;
  explicit BoolConst(bool x) : v(x) { type = Type::kBool; }
  const uint8_t* truth(EvalCtx& c, size_t, size_t n) const override {
    uint8_t* o = c.bbuf(id);
    std::fill(o, o + n, static_cast<uint8_t>(v));
    return o;
  }
};

struct NumColumn : Node {
  Input in;
  explicit NumColumn(Input i) : in(i) { type = Type::kNum; }
  Status bind(EvalCtx& c, const Batch& b) const override {
    const auto* v = b.find_num(in);
    if (!v || v->size() < b.rows) return Error::internal("rule input column missing");
    c.col[static_cast<size_t>(id)] = v->data();
    return {};
  }
  const double* num(EvalCtx& c, size_t b, size_t) const override {
    return static_cast<const double*>(c.col[static_cast<size_t>(id)]) + b;
  }
};

// A 0/1 field used as a condition.
struct BoolColumn : NumColumn {
  explicit BoolColumn(Input i) : NumColumn(i) { type = Type::kBool; }
  const uint8_t* truth(EvalCtx& c, size_t b, size_t n) const override {
    const double* v = static_cast<const double*>(c.col[static_cast<size_t>(id)]) + b;
    uint8_t* o = c.bbuf(id);
    for (size_t i = 0; i < n; ++i) o[i] = v[i] > 0.5;
    return o;
  }
};

struct CatColumn : Node {
  Input in;
  explicit CatColumn(Input i) : in(i) { type = Type::kCat; }
  Status bind(EvalCtx& c, const Batch& b) const override {
    const auto* v = b.find_cat(in);
    if (!v || v->size() < b.rows) return Error::internal("rule input column missing");
    c.col[static_cast<size_t>(id)] = v->data();
    return {};
  }
  const int32_t* cat(EvalCtx& c, size_t b, size_t) const override {
    return static_cast<const int32_t*>(c.col[static_cast<size_t>(id)]) + b;
  }
};

// ---- numbers --------------------------------------------------------------------------------

struct Arith : Node {
  char op;
  explicit Arith(char o) : op(o) { type = Type::kNum; }
  const double* num(EvalCtx& c, size_t b, size_t n) const override {
    const double* x = kids[0]->num(c, b, n);
    const double* y = kids[1]->num(c, b, n);
    double* o = c.nbuf(id);
    switch (op) {
      case '+':
        for (size_t i = 0; i < n; ++i) o[i] = x[i] + y[i];
        break;
      case '-':
        for (size_t i = 0; i < n; ++i) o[i] = x[i] - y[i];
        break;
      case '*':
        for (size_t i = 0; i < n; ++i) o[i] = x[i] * y[i];
        break;
      default:  // division by zero is "unknown", never infinite
        for (size_t i = 0; i < n; ++i) o[i] = y[i] == 0 ? kNaN : x[i] / y[i];
    }
    return o;
  }
};

struct Neg : Node {
  Neg() { type = Type::kNum; }
  const double* num(EvalCtx& c, size_t b, size_t n) const override {
    const double* x = kids[0]->num(c, b, n);
    double* o = c.nbuf(id);
    for (size_t i = 0; i < n; ++i) o[i] = -x[i];
    return o;
  }
};

struct Func : Node {
  std::string name;
  explicit Func(std::string f) : name(std::move(f)) { type = Type::kNum; }
  const double* num(EvalCtx& c, size_t b, size_t n) const override {
    double* o = c.nbuf(id);
    const double* x = kids[0]->num(c, b, n);
    if (name == "abs") {
      for (size_t i = 0; i < n; ++i) o[i] = std::fabs(x[i]);
    } else if (name == "round") {
      for (size_t i = 0; i < n; ++i) o[i] = std::round(x[i]);
    } else {
      const double* y = kids[1]->num(c, b, n);
      bool mn = name == "min";
      for (size_t i = 0; i < n; ++i) {
        o[i] = std::isnan(x[i]) || std::isnan(y[i]) ? kNaN
               : mn                                 ? std::min(x[i], y[i])
                                                    : std::max(x[i], y[i]);
      }
    }
    return o;
  }
};

// days_to(date): days from the run's reference day to the date; unknown for no date.
struct DaysTo : Node {
  DaysTo() { type = Type::kNum; }
  const double* num(EvalCtx& c, size_t b, size_t n) const override {
    const double* d = kids[0]->num(c, b, n);
    double* o = c.nbuf(id);
    double ref = static_cast<double>(c.ref_day);
    for (size_t i = 0; i < n; ++i) o[i] = d[i] - ref;
    return o;
  }
};

// ---- conditions -----------------------------------------------------------------------------

struct CmpNum : Node {
  std::string op;
  explicit CmpNum(std::string o) : op(std::move(o)) { type = Type::kBool; }
  const uint8_t* truth(EvalCtx& c, size_t b, size_t n) const override {
    const double* x = kids[0]->num(c, b, n);
    const double* y = kids[1]->num(c, b, n);
    uint8_t* o = c.bbuf(id);
    // Comparisons with an unknown value (NaN) are false, as in SQL.
    if (op == "<")
      for (size_t i = 0; i < n; ++i) o[i] = x[i] < y[i];
    else if (op == "<=")
      for (size_t i = 0; i < n; ++i) o[i] = x[i] <= y[i];
    else if (op == ">")
      for (size_t i = 0; i < n; ++i) o[i] = x[i] > y[i];
    else if (op == ">=")
      for (size_t i = 0; i < n; ++i) o[i] = x[i] >= y[i];
    else if (op == "==")
      for (size_t i = 0; i < n; ++i) o[i] = x[i] == y[i];
    else
      for (size_t i = 0; i < n; ++i) o[i] = !std::isnan(x[i]) && !std::isnan(y[i]) && x[i] != y[i];
    return o;
  }
};

// category in {codes} (== is a set of one); missing (-1) never matches, also not for !=.
struct CatIn : Node {
  std::vector<int32_t> codes;
  bool negate = false;
  CatIn() { type = Type::kBool; }
  const uint8_t* truth(EvalCtx& c, size_t b, size_t n) const override {
    const int32_t* x = kids[0]->cat(c, b, n);
    uint8_t* o = c.bbuf(id);
    for (size_t i = 0; i < n; ++i) {
      bool hit = std::find(codes.begin(), codes.end(), x[i]) != codes.end();
      o[i] = x[i] >= 0 && (hit != negate);
    }
    return o;
  }
};

struct NumIn : Node {
  std::vector<double> values;
  bool negate = false;
  NumIn() { type = Type::kBool; }
  const uint8_t* truth(EvalCtx& c, size_t b, size_t n) const override {
    const double* x = kids[0]->num(c, b, n);
    uint8_t* o = c.bbuf(id);
    for (size_t i = 0; i < n; ++i) {
      bool hit = std::find(values.begin(), values.end(), x[i]) != values.end();
      o[i] = !std::isnan(x[i]) && (hit != negate);
    }
    return o;
  }
};

// Two categories of the same field (zone == zone[-2]).
struct CatCmp : Node {
  bool equal;
  explicit CatCmp(bool e) : equal(e) { type = Type::kBool; }
  const uint8_t* truth(EvalCtx& c, size_t b, size_t n) const override {
    const int32_t* x = kids[0]->cat(c, b, n);
    const int32_t* y = kids[1]->cat(c, b, n);
    uint8_t* o = c.bbuf(id);
    for (size_t i = 0; i < n; ++i) o[i] = x[i] >= 0 && y[i] >= 0 && ((x[i] == y[i]) == equal);
    return o;
  }
};

struct Logic : Node {
  bool is_and;
  explicit Logic(bool a) : is_and(a) { type = Type::kBool; }
  const uint8_t* truth(EvalCtx& c, size_t b, size_t n) const override {
    const uint8_t* x = kids[0]->truth(c, b, n);
    const uint8_t* y = kids[1]->truth(c, b, n);
    uint8_t* o = c.bbuf(id);
    if (is_and)
      for (size_t i = 0; i < n; ++i) o[i] = x[i] & y[i];
    else
      for (size_t i = 0; i < n; ++i) o[i] = x[i] | y[i];
    return o;
  }
};

struct Not : Node {
  Not() { type = Type::kBool; }
  const uint8_t* truth(EvalCtx& c, size_t b, size_t n) const override {
    const uint8_t* x = kids[0]->truth(c, b, n);
    uint8_t* o = c.bbuf(id);
    for (size_t i = 0; i < n; ++i) o[i] = !x[i];
    return o;
  }
};

const char* type_name(Type t) {
  return t == Type::kNum ? "a number" : t == Type::kBool ? "a condition" : "a category";
}

// Edit distance, for "did you mean".
size_t distance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] =
          std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

const FieldDef* Schema::find(std::string_view name) const {
  int i = index(name);
  return i < 0 ? nullptr : &fields[static_cast<size_t>(i)];
}

int Schema::index(std::string_view name) const {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

class Compiler {
 public:
  Compiler(std::string_view text, Program& p) : text_(text), p_(p) {}

  Result<NodePtr> compile(const Ast& a, const Schema& s, int shift, bool in_aggregate, int& ids) {
    switch (a.kind) {
      case AstKind::kNumber:
        return finish(std::make_unique<NumConst>(a.number), ids);
      case AstKind::kBool:
        return finish(std::make_unique<BoolConst>(a.number != 0), ids);
      case AstKind::kString:
        return error(
            a, "text '" + a.text +
                   "' can only be compared with a category field (e.g. status == \"suspended\")");
      case AstKind::kField:
        return field(a, s, shift, in_aggregate, ids);
      case AstKind::kUnary: {
        KAM_TRY(inner, compile(*a.args[0], s, shift, in_aggregate, ids));
        if (a.text == "-") {
          KAM_CHECK(expect(*a.args[0], *inner, Type::kNum, "'-'"));
          auto n = std::make_unique<Neg>();
          n->kids.push_back(std::move(inner));
          return finish(std::move(n), ids);
        }
        KAM_CHECK(expect(*a.args[0], *inner, Type::kBool, "'not'"));
        auto n = std::make_unique<Not>();
        n->kids.push_back(std::move(inner));
        return finish(std::move(n), ids);
      }
      case AstKind::kBinary:
        return binary(a, s, shift, in_aggregate, ids);
      case AstKind::kIn:
        return in_list(a, s, shift, in_aggregate, ids);
      case AstKind::kCall:
        return call(a, s, shift, in_aggregate, ids);
    }
    return error(a, "unexpected expression");
  }

 private:
  Error error(const Ast& a, const std::string& m) const { return syntax_error(text_, a.pos, m); }

  Status expect(const Ast& a, const Node& n, Type t, const std::string& what) const {
    if (n.type == t) return {};
    return error(a, what + " needs " + type_name(t) + ", this is " + type_name(n.type));
  }

  Result<NodePtr> finish(NodePtr n, int& ids) {
    n->id = ids++;
    return n;
  }

  Result<NodePtr> field(const Ast& a, const Schema& s, int shift, bool in_aggregate, int& ids) {
    const FieldDef* f = s.find(a.text);
    if (!f) {
      std::string best;
      size_t bd = 3;
      for (const auto& x : s.fields) {
        size_t d = distance(a.text, x.name);
        if (d < bd) bd = d, best = x.name;
      }
      std::string where = s.level == "customer" ? " for customers" : " for members";
      return error(a, "unknown field '" + a.text + "'" + where +
                          (best.empty() ? "" : " (did you mean " + best + "?)"));
    }
    if (a.explicit_offset && !f->history && f->macro.empty()) {
      return error(a, f->name + " has no monthly history: write it without [-k]");
    }
    int offset = a.offset + shift;
    if (offset > s.max_history) {
      return error(a, "at most " + std::to_string(s.max_history) + " months back: [-" +
                          std::to_string(s.max_history) + "]");
    }
    if (!f->macro.empty()) {
      // A field defined in the language: compile its definition shifted to this offset.
      KAM_TRY(ast, parse(f->macro));
      Compiler inner(f->macro, p_);
      auto r = inner.compile(*ast, s, offset - 1, in_aggregate, ids);
      if (!r) return error(a, "in the definition of " + f->name + ": " + r.error().message);
      return r;
    }
    Input in{s.index(f->name), offset};
    (in_aggregate ? p_.member_inputs_ : p_.inputs_).insert(in);
    NodePtr n;
    if (f->type == Type::kCat) {
      n = std::make_unique<CatColumn>(in);
    } else if (f->type == Type::kBool) {
      n = std::make_unique<BoolColumn>(in);
    } else {
      n = std::make_unique<NumColumn>(in);
    }
    return finish(std::move(n), ids);
  }

  // The code of `text` in a category field, or an error for closed sets.
  Result<int32_t> category_code(const Ast& lit, const FieldDef& f) const {
    auto it = std::find(f.categories.begin(), f.categories.end(), lit.text);
    if (it != f.categories.end()) return static_cast<int32_t>(it - f.categories.begin());
    if (f.open_categories) return int32_t{-2};  // never matches, not an error
    std::string list;
    for (const auto& c : f.categories) list += (list.empty() ? "" : ", ") + c;
    return error(lit, "'" + lit.text + "' is not a value of " + f.name + " (" + list + ")");
  }

  const FieldDef* cat_field(const Ast& a, const Schema& s) const {
    if (a.kind != AstKind::kField) return nullptr;
    const FieldDef* f = s.find(a.text);
    return f && f->type == Type::kCat ? f : nullptr;
  }

  Result<NodePtr> binary(const Ast& a, const Schema& s, int shift, bool agg, int& ids) {
    const std::string& op = a.text;
    if (op == "and" || op == "or") {
      KAM_TRY(l, compile(*a.args[0], s, shift, agg, ids));
      KAM_TRY(r, compile(*a.args[1], s, shift, agg, ids));
      KAM_CHECK(expect(*a.args[0], *l, Type::kBool, "'" + op + "'"));
      KAM_CHECK(expect(*a.args[1], *r, Type::kBool, "'" + op + "'"));
      auto n = std::make_unique<Logic>(op == "and");
      n->kids.push_back(std::move(l));
      n->kids.push_back(std::move(r));
      return finish(std::move(n), ids);
    }
    bool cmp = op == "<" || op == "<=" || op == ">" || op == ">=" || op == "==" || op == "!=";
    // Category against text: status == "suspended".
    const Ast* lhs = a.args[0].get();
    const Ast* rhs = a.args[1].get();
    if (cmp && (lhs->kind == AstKind::kString || rhs->kind == AstKind::kString)) {
      if (lhs->kind == AstKind::kString) std::swap(lhs, rhs);
      KAM_TRY(col, compile(*lhs, s, shift, agg, ids));
      const FieldDef* f = cat_field(*lhs, s);
      if (col->type != Type::kCat || !f) {
        return error(*rhs,
                     "text '" + rhs->text +
                         "' can only be compared with a category field (status, zone, tier …)");
      }
      if (op != "==" && op != "!=") return error(a, "text can only be compared with == or !=");
      KAM_TRY(code, category_code(*rhs, *f));
      auto n = std::make_unique<CatIn>();
      n->codes = {code};
      n->negate = op == "!=";
      n->kids.push_back(std::move(col));
      return finish(std::move(n), ids);
    }
    KAM_TRY(l, compile(*lhs, s, shift, agg, ids));
    KAM_TRY(r, compile(*rhs, s, shift, agg, ids));
    if (cmp && l->type == Type::kCat && r->type == Type::kCat) {
      if (op != "==" && op != "!=")
        return error(a, "categories can only be compared with == or !=");
      const FieldDef* fl = cat_field(*lhs, s);
      const FieldDef* fr = cat_field(*rhs, s);
      if (!fl || !fr || fl->name != fr->name)
        return error(
            a, "only a field with itself in another month can be compared (zone == zone[-2])");
      auto n = std::make_unique<CatCmp>(op == "==");
      n->kids.push_back(std::move(l));
      n->kids.push_back(std::move(r));
      return finish(std::move(n), ids);
    }
    std::string what = "'" + op + "'";
    KAM_CHECK(expect(*lhs, *l, Type::kNum, what));
    KAM_CHECK(expect(*rhs, *r, Type::kNum, what));
    NodePtr n;
    if (cmp) {
      n = std::make_unique<CmpNum>(op);
    } else {
      n = std::make_unique<Arith>(op[0]);
    }
    n->kids.push_back(std::move(l));
    n->kids.push_back(std::move(r));
    return finish(std::move(n), ids);
  }

  Result<NodePtr> in_list(const Ast& a, const Schema& s, int shift, bool agg, int& ids) {
    KAM_TRY(col, compile(*a.args[0], s, shift, agg, ids));
    if (col->type == Type::kCat) {
      const FieldDef* f = cat_field(*a.args[0], s);
      if (!f) return error(*a.args[0], "'in' needs a category field or a number");
      auto n = std::make_unique<CatIn>();
      for (size_t i = 1; i < a.args.size(); ++i) {
        if (a.args[i]->kind != AstKind::kString)
          return error(*a.args[i], "the values of " + f->name + " are text in quotes");
        KAM_TRY(code, category_code(*a.args[i], *f));
        n->codes.push_back(code);
      }
      n->negate = a.negate;
      n->kids.push_back(std::move(col));
      return finish(std::move(n), ids);
    }
    KAM_CHECK(expect(*a.args[0], *col, Type::kNum, "'in'"));
    auto n = std::make_unique<NumIn>();
    for (size_t i = 1; i < a.args.size(); ++i) {
      if (a.args[i]->kind != AstKind::kNumber)
        return error(*a.args[i], "expected a number in the list");
      n->values.push_back(a.args[i]->number);
    }
    n->negate = a.negate;
    n->kids.push_back(std::move(col));
    return finish(std::move(n), ids);
  }

  Result<NodePtr> call(const Ast& a, const Schema& s, int shift, bool agg, int& ids) {
    const std::string& f = a.text;
    auto arity = [&](size_t n) -> Status {
      if (a.args.size() == n) return {};
      return error(a, f + "() takes " + std::to_string(n) + (n == 1 ? " argument" : " arguments"));
    };
    static const std::map<std::string, Aggregate::Kind> aggs = {
        {"share_of_members", Aggregate::kShare}, {"count_members", Aggregate::kCount},
        {"any_member", Aggregate::kAny},         {"sum_members", Aggregate::kSum},
        {"avg_members", Aggregate::kAvg},        {"max_members", Aggregate::kMax},
        {"min_members", Aggregate::kMin}};
    if (auto it = aggs.find(f); it != aggs.end()) {
      KAM_CHECK(arity(1));
      if (!s.members)
        return error(a, f + "() is for customer rules: member rules already look at one member");
      if (agg) return error(a, f + "() cannot be nested in another member aggregate");
      auto ag = std::make_unique<Aggregate>();
      ag->kind = it->second;
      int member_ids = 0;
      KAM_TRY(inner, compile(*a.args[0], *s.members, shift, true, member_ids));
      bool wants_bool = ag->kind == Aggregate::kShare || ag->kind == Aggregate::kCount ||
                        ag->kind == Aggregate::kAny;
      KAM_CHECK(expect(*a.args[0], *inner, wants_bool ? Type::kBool : Type::kNum, f + "()"));
      ag->expr = std::move(inner);
      ag->nodes = member_ids;
      int slot = static_cast<int>(p_.aggregates_.size());
      p_.aggregates_.push_back(std::move(ag));
      Input in{-1 - slot, 1};
      p_.inputs_.insert(in);
      NodePtr n = ag_kind_bool(it->second) ? NodePtr(std::make_unique<BoolColumn>(in))
                                           : NodePtr(std::make_unique<NumColumn>(in));
      return finish(std::move(n), ids);
    }
    if (f == "days_to") {
      KAM_CHECK(arity(1));
      const Ast& arg = *a.args[0];
      const FieldDef* fd = arg.kind == AstKind::kField ? s.find(arg.text) : nullptr;
      if (!fd || !fd->date)
        return error(arg, "days_to() needs a date field (contract_end, points_expiry …)");
      KAM_TRY(d, compile(arg, s, shift, agg, ids));
      auto n = std::make_unique<DaysTo>();
      n->kids.push_back(std::move(d));
      return finish(std::move(n), ids);
    }
    if (f == "abs" || f == "round" || f == "min" || f == "max") {
      KAM_CHECK(arity(f == "abs" || f == "round" ? 1 : 2));
      auto n = std::make_unique<Func>(f);
      for (const auto& arg : a.args) {
        KAM_TRY(x, compile(*arg, s, shift, agg, ids));
        KAM_CHECK(expect(*arg, *x, Type::kNum, f + "()"));
        n->kids.push_back(std::move(x));
      }
      return finish(std::move(n), ids);
    }
    return error(
        a, "unknown function " + f + "() — days_to, abs, round, min, max" +
               std::string(
                   s.members
                       ? ", share_of_members, count_members, any_member, sum_members, avg_members, "
                         "max_members, min_members"
                       : ""));
  }

  static bool ag_kind_bool(Aggregate::Kind k) { return k == Aggregate::kAny; }

  std::string_view text_;
  Program& p_;
};

Program::Program() = default;
Program::Program(Program&&) noexcept = default;
Program& Program::operator=(Program&&) noexcept = default;
Program::~Program() = default;

Result<Program> Program::compile(std::string_view text, const Schema& schema) {
  KAM_TRY(ast, parse(text));
  Program p;
  Compiler c(text, p);
  int ids = 0;
  KAM_TRY(root, c.compile(*ast, schema, 0, false, ids));
  if (root->type != Type::kBool) {
    return syntax_error(
        text, 0,
        "a rule needs a condition (true or false), this is " + std::string(type_name(root->type)));
  }
  p.root_ = std::move(root);
  p.nodes_ = ids;
  return p;
}

namespace {

void run_chunks(const Node& root, size_t rows,
                const std::function<void(size_t, size_t, const Node&)>& sink) {
  for (size_t b = 0; b < rows; b += kChunk) sink(b, std::min(kChunk, rows - b), root);
}

EvalCtx make_ctx(int nodes, int64_t ref_day) {
  EvalCtx c;
  size_t n = static_cast<size_t>(std::max(nodes, 1));
  c.num.resize(n * kChunk);
  c.truth.resize(n * kChunk);
  c.cat.resize(n * kChunk);
  c.col.resize(n);
  c.ref_day = ref_day;
  return c;
}

}  // namespace

Status Program::evaluate(const Batch& batch, std::vector<uint8_t>& out, const Batch* members,
                         const std::vector<int32_t>* member_customer) const {
  const Batch* b = &batch;
  Batch with_aggregates;
  if (!aggregates_.empty()) {
    if (!members || !member_customer)
      return Error::internal("member aggregates need the member batch");
    with_aggregates.rows = batch.rows;
    with_aggregates.ref_day = batch.ref_day;
    with_aggregates.base = &batch;
    for (size_t slot = 0; slot < aggregates_.size(); ++slot) {
      const Aggregate& ag = *aggregates_[slot];
      std::vector<double> acc(batch.rows, 0.0), cnt(batch.rows, 0.0);
      bool minmax = ag.kind == Aggregate::kMax || ag.kind == Aggregate::kMin;
      if (minmax) std::fill(acc.begin(), acc.end(), kNaN);
      EvalCtx ctx = make_ctx(ag.nodes, members->ref_day);
      KAM_CHECK(ag.expr->bind(ctx, *members));
      const auto& owner = *member_customer;
      run_chunks(*ag.expr, members->rows, [&](size_t from, size_t n, const Node& root) {
        if (root.type == Type::kBool) {
          const uint8_t* t = root.truth(ctx, from, n);
          for (size_t i = 0; i < n; ++i) {
            int32_t cu = owner[from + i];
            if (cu < 0) continue;
            acc[static_cast<size_t>(cu)] += t[i];
            cnt[static_cast<size_t>(cu)] += 1;
          }
          return;
        }
        const double* v = root.num(ctx, from, n);
        for (size_t i = 0; i < n; ++i) {
          int32_t cu = owner[from + i];
          if (cu < 0 || std::isnan(v[i])) continue;
          double& a = acc[static_cast<size_t>(cu)];
          if (ag.kind == Aggregate::kMax)
            a = std::isnan(a) ? v[i] : std::max(a, v[i]);
          else if (ag.kind == Aggregate::kMin)
            a = std::isnan(a) ? v[i] : std::min(a, v[i]);
          else
            a += v[i];
          cnt[static_cast<size_t>(cu)] += 1;
        }
      });
      std::vector<double> result(batch.rows);
      for (size_t r = 0; r < batch.rows; ++r) {
        switch (ag.kind) {
          case Aggregate::kShare:
            result[r] = cnt[r] > 0 ? acc[r] / cnt[r] : kNaN;
            break;
          case Aggregate::kAvg:
            result[r] = cnt[r] > 0 ? acc[r] / cnt[r] : kNaN;
            break;
          case Aggregate::kAny:
            result[r] = acc[r] > 0 ? 1 : 0;
            break;
          default:
            result[r] = acc[r];
        }
      }
      with_aggregates.num[Input{-1 - static_cast<int>(slot), 1}] = std::move(result);
    }
    b = &with_aggregates;
  }
  out.assign(b->rows, 0);
  EvalCtx ctx = make_ctx(nodes_, b->ref_day);
  KAM_CHECK(root_->bind(ctx, *b));
  run_chunks(*root_, b->rows, [&](size_t from, size_t n, const Node& root) {
    const uint8_t* t = root.truth(ctx, from, n);
    std::copy(t, t + n, out.begin() + static_cast<std::ptrdiff_t>(from));
  });
  return {};
}

}  // namespace kam::engine::rules
