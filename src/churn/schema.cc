#include "churn/schema.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>

#include "common/csv.h"

namespace kam::churn {
namespace {

using nlohmann::json;

const char* kind_name(Feature::Kind k) {
  switch (k) {
    case Feature::Kind::kNumeric:
      return "numeric";
    case Feature::Kind::kCategorical:
      return "categorical";
    case Feature::Kind::kPresence:
      return "presence";
  }
  return "numeric";
}

// Names operators give identifier columns: customer_id, msisdn, 客户编号, 手机号码…
bool id_like_name(const std::string& name) {
  std::string n = csv::normalize_header(name);
  for (const char* cjk :
       {"\xE7\xBC\x96\xE5\x8F\xB7", "\xE5\x8F\xB7\xE7\xA0\x81", "\xE6\x89\x8B\xE6\x9C\xBA",
        "\xE8\xB4\xA6\xE5\x8F\xB7", "\xE4\xBB\xA3\xE7\xA0\x81", "\xE6\xA0\x87\xE8\xAF\x86"}) {
    if (n.find(cjk) != std::string::npos) return true;  // 编号 号码 手机 账号 代码 标识
  }
  static const std::set<std::string> kTokens = {"id",     "no",   "number", "num",  "phone",
                                                "msisdn", "imsi", "imei",   "code", "key",
                                                "uuid",   "guid", "account"};
  size_t start = 0;
  for (size_t i = 0; i <= n.size(); ++i) {
    if (i == n.size() || !std::isalnum(static_cast<unsigned char>(n[i]))) {
      if (i > start && kTokens.count(n.substr(start, i - start))) return true;
      start = i + 1;
    }
  }
  return n.size() > 2 && n.ends_with("id") &&
         n.find_first_not_of("abcdefghijklmnopqrstuvwxyz") == std::string::npos;
}

struct Profile {
  size_t present = 0;
  size_t distinct = 0;
  bool integers = true;
  double lo = 0, hi = 0, median = 0;
};

Profile profile(const Column& c) {
  Profile p;
  if (c.numeric) {
    std::vector<double> v;
    v.reserve(c.numbers.size());
    for (double x : c.numbers) {
      if (std::isnan(x)) continue;
      v.push_back(x);
      p.integers = p.integers && x == std::floor(x);
    }
    std::sort(v.begin(), v.end());
    p.present = v.size();
    if (!v.empty()) p.median = v[v.size() / 2];
    p.distinct = static_cast<size_t>(std::unique(v.begin(), v.end()) - v.begin());
    if (!v.empty()) p.lo = v.front(), p.hi = v.back();
  } else {
    std::unordered_map<std::string_view, size_t> seen;
    for (const auto& s : c.texts) {
      if (s.empty()) continue;
      ++p.present;
      seen[s]++;
    }
    p.distinct = seen.size();
    p.integers = false;
  }
  return p;
}

// Why a column cannot be a feature, or empty when it can.
std::string reject_reason(const Column& c, const Profile& p, size_t rows) {
  if (p.present == 0) return "empty on every row";
  if (p.distinct == 1 && p.present == rows) return "the same value on every row";
  if (rows >= 20 && p.present == rows && p.distinct == rows && c.numeric && p.integers &&
      (id_like_name(c.name) || p.hi - p.lo < 2.0 * static_cast<double>(rows))) {
    return "a different whole number on every row (an identifier)";
  }
  if (!c.numeric && p.present >= 20 && p.distinct * 100 >= p.present * 95) {
    return p.distinct == p.present ? "a different value on every row (an identifier)"
                                   : "a different value on almost every row (an identifier?)";
  }
  return {};
}

Feature categorical_feature(const Column& c, std::vector<std::string>* notes) {
  Feature f;
  f.name = c.name;
  f.kind = Feature::Kind::kCategorical;
  std::map<std::string, size_t> counts;
  for (const auto& s : c.texts) {
    if (!s.empty()) counts[s]++;
  }
  std::vector<std::pair<std::string, size_t>> by_freq(counts.begin(), counts.end());
  std::stable_sort(by_freq.begin(), by_freq.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  if (by_freq.size() > kMaxCategories) {
    size_t dropped = 0;
    for (size_t i = kMaxCategories; i < by_freq.size(); ++i) dropped += by_freq[i].second;
    if (notes) {
      notes->push_back("column '" + c.name + "' has " + std::to_string(by_freq.size()) +
                       " categories; the " + std::to_string(kMaxCategories) +
                       " most frequent are kept, " + std::to_string(dropped) +
                       " rows with rarer ones count as missing");
    }
    by_freq.resize(kMaxCategories);
  }
  for (auto& [v, n] : by_freq) f.categories.push_back(v);
  return f;
}

Status check_name(const json& j, const char* key, json::value_t type) {
  if (!j.contains(key) || j[key].type() != type) {
    return Error::invalid("model", std::string("the model's schema has no valid '") + key + "'");
  }
  return {};
}

}  // namespace

Result<ModelSchema> infer_schema(const Dataset& d, std::vector<std::string>* notes) {
  ModelSchema s;
  s.label_column = d.label_column;
  s.id_column = d.id_column;
  s.spelling = d.spelling;
  for (const auto& c : d.features.columns) {
    Profile p = profile(c);
    std::string why = reject_reason(c, p, d.features.rows);
    if (!why.empty()) {
      s.ignored.emplace_back(c.name, why);
      if (notes) notes->push_back("column '" + c.name + "' ignored: " + why);
      continue;
    }
    Feature f;
    f.name = c.name;
    f.had_missing = p.present < d.features.rows;
    if (p.distinct == 1) {  // one value besides blanks: only "filled or not" can matter
      f.kind = Feature::Kind::kPresence;
      size_t r = 0;
      while (c.missing(r)) ++r;
      f.categories.push_back(c.numeric ? fmt::format("{:.6g}", c.numbers[r]) : c.texts[r]);
      f.had_missing = false;  // a blank is the value 0 here, never missing
      f.fill = p.present * 2 >= d.features.rows ? 1.0f : 0.0f;
    } else if (c.numeric) {
      f.fill = static_cast<float>(p.median);
    } else {
      f = categorical_feature(c, notes);
      f.had_missing = p.present < d.features.rows;
      f.fill = 0;  // code of the most frequent category
    }
    s.features.push_back(std::move(f));
  }
  if (s.features.empty()) {
    std::string why;
    for (const auto& [col, reason] : s.ignored)
      why += (why.empty() ? "" : "; ") + col + ": " + reason;
    return Error::invalid("input", "the file has no usable feature columns besides the label" +
                                       std::string(d.id_column.empty() ? "" : " and the id") +
                                       (why.empty() ? std::string() : " (" + why + ")"));
  }
  return s;
}

json ModelSchema::to_json() const {
  json feats = json::array();
  for (const auto& f : features) {
    json j = {{"name", f.name},
              {"type", kind_name(f.kind)},
              {"had_missing", f.had_missing},
              {"fill", f.fill}};
    if (f.kind != Feature::Kind::kNumeric) j["categories"] = f.categories;
    feats.push_back(std::move(j));
  }
  json ign = json::array();
  for (const auto& [c, why] : ignored) ign.push_back({{"column", c}, {"reason", why}});
  return {{"format", kFormat},
          {"label",
           {{"column", label_column},
            {"positive", spelling.positive},
            {"negative", spelling.negative}}},
          {"id_column", id_column.empty() ? json(nullptr) : json(id_column)},
          {"features", std::move(feats)},
          {"ignored", std::move(ign)},
          {"positive_weight", positive_weight},
          {"rounds", rounds},
          {"params", params},
          {"training", training}};
}

Result<ModelSchema> ModelSchema::from_json(const json& j) {
  if (!j.is_object() || !j.contains("format") || !j["format"].is_string()) {
    return Error::invalid("model", "the model file's schema is not a KAM churn schema");
  }
  if (j["format"] != kFormat) {
    return Error::invalid("model", "the model file uses schema '" + j["format"].get<std::string>() +
                                       "'; this kam reads '" + kFormat + "'");
  }
  KAM_CHECK(check_name(j, "label", json::value_t::object));
  KAM_CHECK(check_name(j, "features", json::value_t::array));
  KAM_CHECK(check_name(j, "rounds", json::value_t::number_unsigned));
  ModelSchema s;
  const json& label = j["label"];
  if (!label.contains("column") || !label["column"].is_string())
    return Error::invalid("model", "the schema has no label column");
  s.label_column = label["column"];
  for (const char* side : {"positive", "negative"}) {
    if (!label.contains(side) || !label[side].is_array())
      return Error::invalid("model", "the schema's label is incomplete");
    for (const auto& v : label[side]) {
      if (!v.is_string()) return Error::invalid("model", "the schema's label is incomplete");
      (side[0] == 'p' ? s.spelling.positive : s.spelling.negative).push_back(v);
    }
  }
  if (j.contains("id_column") && j["id_column"].is_string()) s.id_column = j["id_column"];
  for (const auto& f : j["features"]) {
    if (!f.is_object() || !f.contains("name") || !f["name"].is_string() || !f.contains("type") ||
        !f["type"].is_string()) {
      return Error::invalid("model", "the schema lists a feature without a name or type");
    }
    Feature feat;
    feat.name = f["name"];
    std::string type = f["type"];
    if (type == "categorical")
      feat.kind = Feature::Kind::kCategorical;
    else if (type == "presence")
      feat.kind = Feature::Kind::kPresence;
    else if (type != "numeric")
      return Error::invalid("model", "feature '" + feat.name + "' has unknown type '" + type + "'");
    if (feat.kind != Feature::Kind::kNumeric) {
      if (!f.contains("categories") || !f["categories"].is_array()) {
        return Error::invalid("model", "feature '" + feat.name + "' has no categories");
      }
      for (const auto& c : f["categories"]) {
        if (!c.is_string())
          return Error::invalid("model",
                                "feature '" + feat.name + "' has a category that is not text");
        feat.categories.push_back(c);
      }
    }
    if (!f.contains("fill") || !f["fill"].is_number() || !f.contains("had_missing") ||
        !f["had_missing"].is_boolean()) {
      return Error::invalid("model", "feature '" + feat.name + "' has no fill value");
    }
    feat.fill = f["fill"].get<float>();
    feat.had_missing = f["had_missing"];
    if (feat.kind != Feature::Kind::kNumeric &&
        !(feat.fill >= 0 && feat.fill < static_cast<float>(feat.categories.size()) + 1)) {
      return Error::invalid("model", "feature '" + feat.name + "' has an invalid fill value");
    }
    s.features.push_back(std::move(feat));
  }
  if (s.features.empty()) return Error::invalid("model", "the schema has no features");
  if (j.contains("ignored") && j["ignored"].is_array()) {
    for (const auto& i : j["ignored"]) {
      if (i.is_object() && i.value("column", json()).is_string() &&
          i.value("reason", json()).is_string()) {
        s.ignored.emplace_back(i["column"], i["reason"]);
      }
    }
  }
  if (j.contains("positive_weight") && j["positive_weight"].is_number())
    s.positive_weight = j["positive_weight"];
  if (!(s.positive_weight > 0) || !std::isfinite(s.positive_weight))
    return Error::invalid("model", "the schema's weight is invalid");
  s.rounds = j["rounds"];
  if (j.contains("params") && j["params"].is_object()) s.params = j["params"];
  if (j.contains("training") && j["training"].is_object()) s.training = j["training"];
  return s;
}

std::vector<std::string> EncodeReport::summary(const ModelSchema& s) const {
  std::vector<std::string> out;
  auto fill_text = [&s](const std::string& name) {
    for (const auto& f : s.features) {
      if (f.name != name) continue;
      if (f.kind == Feature::Kind::kNumeric)
        return "filled with the training median (" + fmt::format("{:.6g}", f.fill) + ")";
      if (f.kind == Feature::Kind::kPresence)
        return std::string(f.fill > 0.5f ? "taken as filled" : "taken as blank");
      return "filled with the most frequent category ('" +
             f.categories[static_cast<size_t>(f.fill)] + "')";
    }
    return std::string("filled");
  };
  auto examples = [](const EncodeIssue& i) {
    std::string s;
    for (const auto& e : i.examples) s += (s.empty() ? "" : ", ") + ("'" + e + "'");
    return s;
  };
  for (const auto& c : missing_columns) {
    out.push_back("column '" + c + "' is not in the input: " + fill_text(c) + " on every row");
  }
  for (const auto& i : unseen) {
    out.push_back(std::to_string(i.rows) + " rows have categories of '" + i.feature +
                  "' the model never saw (" + examples(i) + "): " + fill_text(i.feature));
  }
  for (const auto& i : not_numbers) {
    out.push_back(std::to_string(i.rows) + " rows have text in numeric column '" + i.feature +
                  "' (" + examples(i) + "): " + fill_text(i.feature));
  }
  for (const auto& i : blanks) {
    out.push_back(std::to_string(i.rows) + " rows are blank in '" + i.feature +
                  "', which had no blanks in training: " + fill_text(i.feature));
  }
  return out;
}

namespace {

// Encodes one present column into the matrix; cells it cannot encode get the fill value.
class ColumnEncoder {
 public:
  ColumnEncoder(const Feature& f, size_t j, Encoded& e) : f_(f), j_(j), e_(e) {
    if (f.categorical()) {
      for (size_t k = 0; k < f.categories.size(); ++k)
        codes_.emplace(f.categories[k], static_cast<float>(k));
    }
  }

  void run(const Column& c) {
    for (size_t r = 0; r < e_.rows; ++r) {
      if (c.missing(r) || (!c.numeric && is_missing(c.texts[r]))) {
        blank(r);
      } else if (f_.kind == Feature::Kind::kPresence) {
        set(r, 1);
      } else if (f_.kind == Feature::Kind::kNumeric) {
        double v = c.numeric ? c.numbers[r] : 0;
        if (c.numeric || parse_number(c.texts[r], v))
          set(r, static_cast<float>(v));
        else
          fill(r, not_numbers_, "not a number", c.texts[r]);
      } else {
        std::string v = c.numeric ? fmt::format("{:.6g}", c.numbers[r]) : c.texts[r];
        auto it = codes_.find(v);
        if (it != codes_.end())
          set(r, it->second);
        else
          fill(r, unseen_, "unseen", v);
      }
    }
    auto& rep = e_.report;
    for (auto* i : {&unseen_, &not_numbers_, &blanks_}) {
      if (!i->rows) continue;
      i->feature = f_.name;
      (i == &unseen_        ? rep.unseen
       : i == &not_numbers_ ? rep.not_numbers
                            : rep.blanks)
          .push_back(std::move(*i));
    }
  }

 private:
  void set(size_t r, float v) { e_.data[r * e_.cols + j_] = v; }
  void blank(size_t r) {
    if (f_.kind == Feature::Kind::kPresence) return set(r, 0);
    if (f_.had_missing) return;  // NaN: the trees know where a blank goes
    fill(r, blanks_, "blank", "");
  }
  void fill(size_t r, EncodeIssue& issue, const char* what, const std::string& value) {
    set(r, f_.fill);
    e_.filled[r * e_.cols + j_] = 1;
    ++issue.rows;
    if (!value.empty() && issue.examples.size() < 3 &&
        std::find(issue.examples.begin(), issue.examples.end(), value) == issue.examples.end()) {
      issue.examples.push_back(value);
    }
    auto& n = e_.report.row_notes[r];
    n +=
        (n.empty() ? "" : "; ") + f_.name + ": " + what + (value.empty() ? "" : " '" + value + "'");
  }

  const Feature& f_;
  size_t j_;
  Encoded& e_;
  std::unordered_map<std::string, float> codes_;
  EncodeIssue unseen_, not_numbers_, blanks_;
};

}  // namespace

Result<Encoded> encode(const ModelSchema& s, const FeatureTable& t) {
  Encoded e;
  e.rows = t.rows;
  e.cols = s.features.size();
  e.data.assign(e.rows * e.cols, std::nanf(""));
  e.filled.assign(e.rows * e.cols, 0);
  e.report.row_notes.resize(t.rows);
  size_t found = 0;
  for (size_t j = 0; j < s.features.size(); ++j) {
    const Feature& f = s.features[j];
    e.categorical.push_back(f.categorical());
    const Column* c = t.find(f.name);
    if (c && c->size() != t.rows)
      return Error::invalid(f.name, "column '" + f.name + "' does not have a value per row");
    if (!c) {
      e.report.missing_columns.push_back(f.name);
      for (size_t r = 0; r < t.rows; ++r) {
        e.data[r * e.cols + j] = f.fill;
        e.filled[r * e.cols + j] = 1;
      }
      continue;
    }
    ++found;
    ColumnEncoder(f, j, e).run(*c);
  }
  if (found == 0) {
    std::string names;
    for (size_t j = 0; j < s.features.size() && j < 8; ++j)
      names += (j ? ", " : "") + s.features[j].name;
    return Error::invalid("input", "the input has none of the model's feature columns (" + names +
                                       (s.features.size() > 8 ? ", …" : "") +
                                       "): the model was trained on another table");
  }
  for (const auto& n : e.report.row_notes) e.report.rows_with_notes += !n.empty();
  return e;
}

std::string display_value(const Feature& f, float v) {
  if (f.kind == Feature::Kind::kPresence)
    return f.name + "=" + (v > 0.5f ? f.categories[0] : "(blank)");
  if (std::isnan(v)) return f.name + "=(missing)";
  if (f.categorical()) {
    size_t k = static_cast<size_t>(v);
    return f.name + "=" + (k < f.categories.size() ? f.categories[k] : "?");
  }
  return f.name + "=" + fmt::format("{:.6g}", v);
}

}  // namespace kam::churn
