#pragma once
// The feature schema a churn model is trained on and scores with: which columns are features,
// numeric or categorical, the category codes, what was ignored and why, and how the label was
// spelled. It travels inside the model file, so scoring encodes a new table exactly as
// training did.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "churn/table.h"

namespace kam::churn {

struct Feature {
  enum class Kind { kNumeric, kCategorical, kPresence };
  std::string name;
  // kPresence: a column with one value besides blanks ("1" or empty) carries information only
  // in whether it is filled; it is encoded as 1/0 (categories[0] is the value, for display).
  Kind kind = Kind::kNumeric;
  // Category codes for XGBoost's native categorical splits: code = index, most frequent first.
  std::vector<std::string> categories;
  // Whether training saw blanks here: then the trees learned where a blank goes and a blank
  // stays missing. Otherwise a blank would follow an arbitrary branch, so it is filled.
  bool had_missing = false;
  // What stands in for a value the input cannot give (column absent, unseen category, text in
  // a number, a blank the model never saw): the training median, or the most frequent category.
  float fill = 0;
  bool categorical() const { return kind == Kind::kCategorical; }
};

// Categories kept per feature, most frequent first.
inline constexpr size_t kMaxCategories = 1000;

struct ModelSchema {
  static constexpr const char* kFormat = "kam.churn.model/1";

  std::vector<Feature> features;
  std::vector<std::pair<std::string, std::string>> ignored;  // column, why
  std::string label_column;
  std::string id_column;
  LabelSpelling spelling;
  double positive_weight = 1;  // churned rows' weight in training: negatives / positives
  int rounds = 0;              // trees in the model
  nlohmann::json params = nlohmann::json::object();    // XGBoost parameters used
  nlohmann::json training = nlohmann::json::object();  // rows, classes, time, evaluation

  nlohmann::json to_json() const;
  static Result<ModelSchema> from_json(const nlohmann::json& j);
};

// Chooses the feature columns of a dataset: constant and (almost) unique-per-row columns are
// ignored with a note; categories are coded by frequency. An error when nothing is left.
Result<ModelSchema> infer_schema(const Dataset& d, std::vector<std::string>* notes);

// What happened while encoding a table for scoring. Every such value is replaced by the
// feature's fill value and kept out of the row's factors.
struct EncodeIssue {
  std::string feature;
  size_t rows = 0;
  std::vector<std::string> examples;  // up to 3 values
};
struct EncodeReport {
  std::vector<std::string> missing_columns;  // model features the table lacks
  std::vector<EncodeIssue> unseen;           // categories the model does not know
  std::vector<EncodeIssue> not_numbers;      // text in numeric features
  std::vector<EncodeIssue> blanks;           // blanks where training had none
  std::vector<std::string> row_notes;        // per row, empty when clean
  size_t rows_with_notes = 0;
  // Lines for the user, one per kind of issue and feature.
  std::vector<std::string> summary(const ModelSchema& s) const;
};

struct Encoded {
  std::vector<float> data;  // rows × features, row-major, NaN = missing
  size_t rows = 0, cols = 0;
  std::vector<bool> categorical;
  std::vector<uint8_t> filled;  // rows × features: 1 where the fill value stands in
  EncodeReport report;
};

// Encodes a table with the schema. Columns are matched by name (case, spaces and '-' aside);
// a table with none of the model's features is an error (a model for another table).
Result<Encoded> encode(const ModelSchema& s, const FeatureTable& t);

// "package=金卡" / "tenure_months=3" / "bill_trend=(missing)" for explanations.
std::string display_value(const Feature& f, float code_or_value);

}  // namespace kam::churn
