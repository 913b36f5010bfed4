#pragma once
// Internal to the rule language: tokens and the syntax tree (rule_parse.cc), which the
// compiler (rule_compile.cc) turns into vector operators.

#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "engine/rule_lang.h"

namespace kam::engine::rules {

enum class TokKind { kIdent, kNumber, kString, kOp, kKeyword, kEnd };

struct Token {
  TokKind kind = TokKind::kEnd;
  std::string text;
  double number = 0;
  size_t pos = 0;  // byte offset
};

enum class AstKind { kNumber, kString, kBool, kField, kCall, kUnary, kBinary, kIn };

struct Ast;
using AstPtr = std::unique_ptr<Ast>;

struct Ast {
  AstKind kind = AstKind::kNumber;
  size_t pos = 0;     // byte offset in the text
  double number = 0;  // kNumber, kBool (0/1)
  std::string text;   // kString value, kField / kCall name, operator
  int offset = 1;     // kField: 1 = [-1]
  bool explicit_offset = false;
  bool negate = false;  // kIn: not in
  std::vector<AstPtr> args;
  int height = 1;  // levels of the tree from this node down
};

// Tokens of `text`; those starting at or after byte `limit` are not read (the end token then
// sits where reading stopped).
Result<std::vector<Token>> tokenize(std::string_view text, size_t limit = std::string_view::npos);
Result<AstPtr> parse(std::string_view text);
Error syntax_error(std::string_view text, size_t byte_offset, const std::string& message);

}  // namespace kam::engine::rules
