#pragma once
// The alert rule language (docs/rules.md): a small, safe expression language over named
// fields of the run month and the months before it, e.g.
//   bill[-2] >= 100 and mou[-2] >= 200 and bill[-1] < 100
//   days_to(contract_end) <= 60
//   share_of_members(bill_drop_pct > 30) >= 0.2
// A condition is parsed and type-checked once into a tree of vector operators, then evaluated
// over column batches a chunk of rows at a time — never an interpreter call per row. Errors
// name the position in the text.

#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace kam::engine::rules {

enum class Type { kNum, kBool, kCat };

struct FieldDef {
  std::string name;
  Type type = Type::kNum;
  bool history = false;                 // may be read at [-k] for earlier months
  bool date = false;                    // days since 1970: only for days_to() and comparisons
  std::vector<std::string> categories;  // kCat: the values (a value's code is its index)
  bool open_categories =
      false;          // kCat: other values may occur (industry): no error for unknown literals
  std::string macro;  // defined in the language itself, in terms of [-1] and [-2]
  std::string description;
};

// The fields of one level ("member" or "customer"). At customer level, `members` is the
// schema that share_of_members() and the other member aggregates range over.
struct Schema {
  std::string level;
  std::vector<FieldDef> fields;
  const Schema* members = nullptr;
  int max_history = 6;
  const FieldDef* find(std::string_view name) const;
  int index(std::string_view name) const;
};

// A column a program reads: field index in its schema and month offset (1 = the run month,
// written [-1] or without brackets; 2 = the month before, [-2]; …). Aggregate results are
// inputs with field = -1 - slot.
struct Input {
  int field = 0;
  int offset = 1;
  auto operator<=>(const Input&) const = default;
};

// The columns of one level for one evaluation. Numbers (bools as 0/1) are doubles with NaN for
// missing values; categories are codes with -1 for missing.
struct Batch {
  size_t rows = 0;
  std::map<Input, std::vector<double>> num;
  std::map<Input, std::vector<int32_t>> cat;
  int64_t ref_day = 0;          // days_to() counts from this day (days since 1970)
  const Batch* base = nullptr;  // columns not found here are looked up there (same rows)
  const std::vector<double>* find_num(const Input& in) const {
    auto it = num.find(in);
    return it != num.end() ? &it->second : base ? base->find_num(in) : nullptr;
  }
  const std::vector<int32_t>* find_cat(const Input& in) const {
    auto it = cat.find(in);
    return it != cat.end() ? &it->second : base ? base->find_cat(in) : nullptr;
  }
};

struct Node;
struct Aggregate;

// A compiled condition.
class Program {
 public:
  Program();
  Program(Program&&) noexcept;
  Program& operator=(Program&&) noexcept;
  ~Program();

  // Parses and checks `text` against `schema`. Errors have field "condition" and a message
  // starting "at position N:", N counted in characters from 1.
  static Result<Program> compile(std::string_view text, const Schema& schema);

  const std::set<Input>& inputs() const { return inputs_; }
  // Inputs of the member-level expressions inside aggregates (customer level only).
  const std::set<Input>& member_inputs() const { return member_inputs_; }
  bool has_aggregates() const { return !aggregates_.empty(); }

  // Evaluates over every row of `batch`: out[i] = 1 when row i matches. At customer level with
  // aggregates, `members` and `member_customer` (each member row's customer row, -1 none) are
  // required; the aggregate results are added to a copy of the customer batch's inputs.
  Status evaluate(const Batch& batch, std::vector<uint8_t>& out, const Batch* members = nullptr,
                  const std::vector<int32_t>* member_customer = nullptr) const;

 private:
  std::unique_ptr<Node> root_;
  std::vector<std::unique_ptr<Aggregate>> aggregates_;
  std::set<Input> inputs_, member_inputs_;
  int nodes_ = 0;
  friend class Compiler;
};

// The position (1-based, in characters) an error message names, or 0.
size_t error_position(const Error& e);

}  // namespace kam::engine::rules
