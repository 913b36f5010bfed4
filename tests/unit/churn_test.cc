// The churn model library (src/churn): reading operators' tables, label spellings, feature
// typing, metrics, training on data with a planted rule, the model file and scoring.

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include "churn/model.h"
#include "common/crypto.h"

namespace kam::churn {
namespace {

// A telecom-like table with a known rule: short tenure, a falling bill, complaints and the
// "D" package raise churn; region and noise carry nothing. `flip` labels are random noise.
std::string planted_csv(size_t rows, uint64_t seed, const std::string& yes = "yes",
                        const std::string& no = "no") {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0, 1);
  std::uniform_real_distribution<double> unit(0, 1);
  std::string out =
      "customer_id,tenure_months,bill_trend,complaints,package,region,noise,batch,churned\n";
  const char* packages[] = {"A", "B", "C", "D"};
  const char* regions[] = {"南京", "苏州", "无锡", "常州", "徐州"};
  for (size_t i = 0; i < rows; ++i) {
    int tenure = 1 + static_cast<int>(rng() % 120);
    double trend = 0.2 * normal(rng);
    int complaints = static_cast<int>(rng() % 4) == 0 ? static_cast<int>(rng() % 5) : 0;
    const char* pkg = packages[rng() % 4];
    double z = -2.0 + 1.8 * (tenure < 12) - 4.0 * trend + 0.7 * complaints +
               (pkg[0] == 'D' ? 1.2 : 0) + 0.8 * normal(rng);
    bool churned = z > 0;
    if (unit(rng) < 0.03) churned = !churned;
    char line[256];
    std::string trend_text = unit(rng) < 0.05 ? "NA" : std::to_string(trend);
    std::snprintf(line, sizeof line, "C%06zu,%d,%s,%d,%s,%s,%.4f,x,%s\n", i + 1, tenure,
                  trend_text.c_str(), complaints, pkg, regions[rng() % 5], normal(rng),
                  churned ? yes.c_str() : no.c_str());
    out += line;
  }
  return out;
}

Dataset planted(size_t rows, uint64_t seed) {
  auto t = parse_csv(planted_csv(rows, seed));
  EXPECT_TRUE(t.ok()) << t.error().message;
  auto d = make_dataset(std::move(t).value(), "churned", "customer_id");
  EXPECT_TRUE(d.ok()) << d.error().message;
  return std::move(d).value();
}

TrainOptions quick(uint64_t seed = 7) {
  TrainOptions o;
  o.folds = 3;
  o.seed = seed;
  o.threads = 2;
  return o;
}

std::string lines_csv(const std::vector<std::string>& label_values, size_t repeat) {
  std::string csv = "id,x,label\n";
  size_t n = 0;
  for (size_t k = 0; k < repeat; ++k) {
    for (const auto& v : label_values) {
      ++n;
      csv += std::to_string(n) + "," + std::to_string(n % 7) + "," + v + "\n";
    }
  }
  return csv;
}

TEST(ChurnTable, EveryUsualLabelSpellingIsTwoClasses) {
  for (auto [yes, no] : std::vector<std::pair<std::string, std::string>>{{"yes", "no"},
                                                                         {"1", "0"},
                                                                         {"true", "false"},
                                                                         {"Yes", "No"},
                                                                         {"Y", "N"},
                                                                         {"是", "否"},
                                                                         {"churned", "active"},
                                                                         {"TRUE", "FALSE"},
                                                                         {"1.0", "0.0"},
                                                                         {"流失", "在网"}}) {
    auto t = parse_csv(lines_csv({yes, no}, 60));
    ASSERT_TRUE(t.ok());
    auto d = make_dataset(std::move(t).value(), "label", "id");
    ASSERT_TRUE(d.ok()) << yes << "/" << no << ": " << d.error().message;
    EXPECT_EQ(d->labels[0], 1) << yes;
    EXPECT_EQ(d->labels[1], 0) << no;
    EXPECT_EQ(d->positives(), 60u);
    EXPECT_EQ(d->spelling.positive, std::vector<std::string>{yes});
  }
}

TEST(ChurnTable, OtherLabelValuesAreRefusedNamingColumnValuesAndLines) {
  auto t = parse_csv(lines_csv({"yes", "no", "maybe"}, 60));
  ASSERT_TRUE(t.ok());
  auto d = make_dataset(std::move(t).value(), "label", "id");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().field, "label");
  EXPECT_NE(d.error().message.find("'label'"), std::string::npos) << d.error().message;
  EXPECT_NE(d.error().message.find("'maybe' on lines 4, 7, 10, 13, 16 …"), std::string::npos)
      << d.error().message;

  auto empty = make_dataset(parse_csv(lines_csv({"yes", "no", ""}, 60)).value(), "label", "");
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.error().message.find("(empty)"), std::string::npos) << empty.error().message;

  auto three = make_dataset(parse_csv(lines_csv({"1", "0", "2"}, 60)).value(), "label", "");
  ASSERT_FALSE(three.ok());
  EXPECT_NE(three.error().message.find("'2'"), std::string::npos);

  auto missing = make_dataset(parse_csv(lines_csv({"1", "0"}, 60)).value(), "churn_flag", "");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().field, "label");
  EXPECT_NE(missing.error().message.find("id, x, label"), std::string::npos)
      << missing.error().message;
}

TEST(ChurnTable, FewerThanFiftyRowsOfOneClassIsRefused) {
  std::vector<std::string> labels(100, "no");
  for (int i = 0; i < 49; ++i) labels[i * 2] = "yes";
  auto d = make_dataset(parse_csv(lines_csv(labels, 1)).value(), "label", "id");
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.error().message.find("49 churned rows"), std::string::npos) << d.error().message;
  EXPECT_NE(d.error().message.find("at least 50"), std::string::npos);

  auto one = make_dataset(parse_csv(lines_csv({"no"}, 200)).value(), "label", "id");
  ASSERT_FALSE(one.ok());
  EXPECT_NE(one.error().message.find("only one class"), std::string::npos) << one.error().message;
}

TEST(ChurnTable, TypesColumnsByContentAndReadsMissingMarkers) {
  std::vector<std::string> notes;
  auto num = type_column(
      "bill", {"12.5", "NA", "", "-", "3", "n/a", "null", "1e3", "#N/A", "—", "12%"}, &notes);
  EXPECT_TRUE(num.numeric);
  EXPECT_TRUE(std::isnan(num.numbers[1]) && std::isnan(num.numbers[3]) &&
              std::isnan(num.numbers[9]));
  EXPECT_DOUBLE_EQ(num.numbers[7], 1000);
  EXPECT_DOUBLE_EQ(num.numbers[10], 12);
  auto cat = type_column("package", {"金卡", "银卡", "", "NA", "3"}, &notes);
  EXPECT_FALSE(cat.numeric);
  EXPECT_EQ(cat.texts[3], "");
  // A stray word in a long numeric column becomes missing, with a note.
  std::vector<std::string> cells(200, "5");
  cells[17] = "unknown";
  auto mostly = type_column("mou", cells, &notes);
  EXPECT_TRUE(mostly.numeric);
  EXPECT_TRUE(std::isnan(mostly.numbers[17]));
  EXPECT_NE(notes.back().find("'unknown'"), std::string::npos);
}

TEST(ChurnTable, ConstantAndIdentifierColumnsAreIgnoredWithANote) {
  // The id column given as a feature on purpose, plus "batch" (constant).
  auto t = parse_csv(planted_csv(400, 3));
  auto no_id = make_dataset(std::move(t).value(), "churned", "");
  ASSERT_TRUE(no_id.ok());
  std::vector<std::string> notes;
  auto s = infer_schema(*no_id, &notes);
  ASSERT_TRUE(s.ok()) << s.error().message;
  std::vector<std::string> ignored;
  for (const auto& [c, why] : s->ignored) ignored.push_back(c);
  EXPECT_EQ(ignored, (std::vector<std::string>{"customer_id", "batch"}));
  std::string all;
  for (const auto& n : notes) all += n + "\n";
  EXPECT_NE(all.find("column 'customer_id' ignored: a different value on every row"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("column 'batch' ignored: the same value on every row"), std::string::npos)
      << all;
  ASSERT_EQ(s->features.size(), 6u);
  EXPECT_EQ(s->features[3].name, "package");
  EXPECT_TRUE(s->features[3].categorical());
  EXPECT_FALSE(s->features[0].categorical());
}

TEST(ChurnTable, NoUsableFeaturesIsRefused) {
  std::string csv = "msisdn,batch,empty,churned\n";
  for (int i = 0; i < 200; ++i)
    csv += "1380000" + std::to_string(1000 + i) + ",x,," + (i % 2 ? "1" : "0") + "\n";
  auto d = make_dataset(parse_csv(csv).value(), "churned", "");
  ASSERT_TRUE(d.ok()) << d.error().message;
  auto t = train(*d, quick());
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message.find("no usable feature columns"), std::string::npos)
      << t.error().message;
  EXPECT_NE(t.error().message.find("msisdn: a different whole number on every row"),
            std::string::npos)
      << t.error().message;
}

TEST(ChurnTable, ReadsGbkAndSemicolons) {
  // "流失;套餐\n是;A\n否;B" in GBK.
  std::string gbk = "\xC1\xF7\xCA\xA7;\xCC\xD7\xB2\xCD\n";
  for (int i = 0; i < 60; ++i) gbk += "\xCA\xC7;A\n\xB7\xF1;B\n";
  auto t = parse_csv(gbk);
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->columns[0], "流失");
  auto d = make_dataset(std::move(t).value(), "流失", "");
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(d->spelling.positive, std::vector<std::string>{"是"});
  auto short_row = parse_csv("a,b,c\n1,2,3\n4,5\n");
  ASSERT_FALSE(short_row.ok());
  EXPECT_NE(short_row.error().message.find("line 3 has 2 fields, the header has 3"),
            std::string::npos);
}

TEST(ChurnMetrics, AucUsesAverageRanksForTies) {
  EXPECT_DOUBLE_EQ(auc({0.1, 0.4, 0.35, 0.8}, {0, 0, 1, 1}), 0.75);
  EXPECT_DOUBLE_EQ(auc({0.5, 0.5, 0.5, 0.5}, {0, 1, 0, 1}), 0.5);
  EXPECT_DOUBLE_EQ(auc({0.2, 0.5, 0.5, 0.9}, {0, 0, 1, 1}), 0.875);
  EXPECT_DOUBLE_EQ(auc({0.9, 0.8, 0.1}, {0, 0, 1}), 0.0);
  EXPECT_TRUE(std::isnan(auc({0.1, 0.2}, {1, 1})));
  EXPECT_NEAR(log_loss({0.5, 0.5}, {0, 1}), std::log(2.0), 1e-12);
  auto top = top_share({0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05},
                       {1, 0, 1, 0, 0, 0, 0, 0, 1, 0}, 0.2);
  EXPECT_EQ(top.rows, 2u);
  EXPECT_DOUBLE_EQ(top.precision, 0.5);
  EXPECT_NEAR(top.recall, 1.0 / 3, 1e-12);
  auto lift = lift_chart({0.9, 0.8, 0.7, 0.6}, {1, 1, 0, 0}, 2);
  ASSERT_EQ(lift.size(), 2u);
  EXPECT_DOUBLE_EQ(lift[0].lift, 2.0);
  EXPECT_DOUBLE_EQ(lift[1].cumulative_capture, 1.0);
}

TEST(ChurnModel, LearnsThePlantedRuleStablyAcrossSeeds) {
  Dataset d = planted(3000, 11);
  std::vector<double> aucs;
  for (uint64_t seed : {1, 2, 3}) {
    auto e = cross_validate(d, quick(seed));
    ASSERT_TRUE(e.ok()) << e.error().message;
    EXPECT_GT(e->auc_mean, 0.8) << "seed " << seed;
    EXPECT_EQ(e->per_fold.size(), 3u);
    EXPECT_GT(e->top10.lift, 2.0);
    EXPECT_LT(e->log_loss, 0.6);
    EXPECT_EQ(e->lift.size(), 10u);
    aucs.push_back(e->auc_mean);
  }
  auto [lo, hi] = std::minmax_element(aucs.begin(), aucs.end());
  EXPECT_LT(*hi - *lo, 0.03) << "AUC moves with the seed";
}

TEST(ChurnModel, TopFactorsNameThePlantedCauses) {
  Dataset d = planted(3000, 5);
  auto t = train(d, quick());
  ASSERT_TRUE(t.ok()) << t.error().message;
  auto s = t->model.score(d.features);
  ASSERT_TRUE(s.ok()) << s.error().message;
  std::map<std::string, int> first;
  for (size_t r = 0; r < d.features.rows; ++r) {
    if (s->scores[r] > 0.5 && !s->factors[r].empty()) first[s->factors[r][0].feature]++;
  }
  int planted_causes =
      first["tenure_months"] + first["bill_trend"] + first["complaints"] + first["package"];
  EXPECT_GT(planted_causes, 0.9 * (planted_causes + first["region"] + first["noise"]));
}

TEST(ChurnModel, RoundTripGivesIdenticalScores) {
  Dataset d = planted(1500, 21);
  auto t = train(d, quick());
  ASSERT_TRUE(t.ok()) << t.error().message;
  auto before = t->model.score(d.features);
  ASSERT_TRUE(before.ok());
  std::string path =
      (std::filesystem::temp_directory_path() / ("kam-churn-" + crypto::request_id() + ".model"))
          .string();
  ASSERT_TRUE(t->model.save(path).ok());
  auto loaded = Model::load(path);
  std::filesystem::remove(path);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->schema().features.size(), t->model.schema().features.size());
  EXPECT_EQ(loaded->schema().training["evaluation"]["folds"], 3);
  auto after = loaded->score(d.features);
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(before->scores.size(), after->scores.size());
  for (size_t r = 0; r < before->scores.size(); ++r) {
    ASSERT_EQ(before->scores[r], after->scores[r]) << "row " << r;
    ASSERT_EQ(before->factors[r].size(), after->factors[r].size());
    for (size_t k = 0; k < before->factors[r].size(); ++k)
      EXPECT_EQ(before->factors[r][k].value, after->factors[r][k].value);
  }
  // The CSV too, byte for byte.
  EXPECT_EQ(scores_csv(d.features, *before, "customer_id"),
            scores_csv(d.features, *after, "customer_id"));
}

class ChurnModelFile : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto t = train(planted(800, 4), [] {
      auto o = quick();
      o.folds = 0;
      return o;
    }());
    ASSERT_TRUE(t.ok()) << t.error().message;
    bytes_ = new std::string(t->model.to_bytes().value());
  }
  static void TearDownTestSuite() { delete bytes_; }
  static std::string* bytes_;
};
std::string* ChurnModelFile::bytes_ = nullptr;

TEST_F(ChurnModelFile, CorruptedOrTruncatedFilesAreRefused) {
  ASSERT_TRUE(Model::from_bytes(*bytes_).ok());
  std::string flipped = *bytes_;
  flipped[flipped.size() / 2] ^= 0x20;
  auto a = Model::from_bytes(flipped);
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.error().message.find("corrupted (checksum mismatch)"), std::string::npos)
      << a.error().message;
  auto b = Model::from_bytes(bytes_->substr(0, bytes_->size() - 10));
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.error().message.find("truncated"), std::string::npos) << b.error().message;
  auto c = Model::from_bytes("id,score\n1,0.5\n");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("not a KAM churn model file"), std::string::npos);
  auto e = Model::from_bytes(bytes_->substr(0, 40));
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.error().message.find("corrupted"), std::string::npos);
}

TEST_F(ChurnModelFile, AModelOfAnotherSchemaIsRefusedByName) {
  // Rewrite the schema's format with a valid checksum, as another kam release would.
  size_t schema_len = 0;
  for (int i = 7; i >= 0; --i)
    schema_len = (schema_len << 8) | static_cast<unsigned char>((*bytes_)[16 + i]);
  auto schema = nlohmann::json::parse(bytes_->substr(96, schema_len));
  schema["format"] = "kam.churn.model/2";
  std::string js = schema.dump(), model = bytes_->substr(96 + schema_len);
  std::string out = bytes_->substr(0, 16);
  for (int i = 0; i < 8; ++i) out += static_cast<char>((js.size() >> (8 * i)) & 0xff);
  out += bytes_->substr(24, 8) + crypto::sha256_hex(js + model) + js + model;
  auto m = Model::from_bytes(out);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(
      m.error().message.find("schema 'kam.churn.model/2'; this kam reads 'kam.churn.model/1'"),
      std::string::npos)
      << m.error().message;
  std::string v2 = *bytes_;
  v2[8] = 2;
  auto n = Model::from_bytes(v2);
  ASSERT_FALSE(n.ok());
  EXPECT_NE(n.error().message.find("format version 2"), std::string::npos);
}

TEST_F(ChurnModelFile, ScoringFillsAndReportsWhatTheInputCannotGive) {
  auto model = Model::from_bytes(*bytes_).value();
  // No "complaints" column, an unknown package and region, text in a numeric column, a blank
  // tenure (training had none) and a blank bill trend (training had some: stays missing).
  auto t = parse_csv(
      "customer_id,tenure_months,bill_trend,package,region,noise\n"
      "A1,3,-0.3,Z,南京,0\nA2,100,0.1,A,火星,0\nA3,abc,0,B,苏州,1\nA4,,NA,D,无锡,0\nA5,5,-0.4,D,"
      "南京,0\n");
  ASSERT_TRUE(t.ok());
  FeatureTable ft;
  ft.rows = t->rows();
  ft.lines = t->lines;
  for (size_t c = 0; c < t->columns.size(); ++c)
    ft.columns.push_back({t->columns[c], false, {}, t->cells[c]});
  auto s = model.score(ft);
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_EQ(s->scores.size(), 5u);
  for (double v : s->scores) EXPECT_TRUE(v > 0 && v < 1);
  EXPECT_EQ(s->report.missing_columns, std::vector<std::string>{"complaints"});
  EXPECT_EQ(s->report.rows_with_notes, 4u);
  EXPECT_EQ(s->report.row_notes[0], "package: unseen 'Z'");
  EXPECT_EQ(s->report.row_notes[1], "region: unseen '火星'");
  EXPECT_EQ(s->report.row_notes[2], "tenure_months: not a number 'abc'");
  EXPECT_EQ(s->report.row_notes[3], "tenure_months: blank");
  EXPECT_EQ(s->report.row_notes[4], "");
  auto lines = s->report.summary(model.schema());
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(
      lines[0],
      "column 'complaints' is not in the input: filled with the training median (0) on every row");
  EXPECT_NE(
      lines[1].find(
          "1 rows have categories of 'package' the model never saw ('Z'): filled with the most "
          "frequent category"),
      std::string::npos)
      << lines[1];
  // Filled values are never given as reasons.
  for (const auto& row : s->factors) {
    for (const auto& f : row) EXPECT_NE(f.feature, "complaints");
  }
  for (const auto& f : s->factors[0]) EXPECT_NE(f.feature, "package");
  // A table of another kind entirely.
  FeatureTable other;
  other.rows = 1;
  other.columns.push_back({"colour", false, {}, {"red"}});
  auto bad = model.score(other);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("none of the model's feature columns"), std::string::npos);
}

TEST(ChurnModel, FeatureTablesFromTheEngineTrainAndScore) {
  // The engine's path: typed columns and a 0/1 label, no CSV.
  Dataset csv = planted(1200, 8);
  FeatureTable ft;
  ft.rows = csv.features.rows;
  for (const auto& c : csv.features.columns) ft.columns.push_back(c);
  auto d = make_dataset(ft, csv.labels);
  ASSERT_TRUE(d.ok()) << d.error().message;
  auto t = train(*d, quick());
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_GT(t->evaluation.auc_mean, 0.8);
  auto bad = make_dataset(ft, std::vector<int>(ft.rows, 2));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("must be 1 (churned) or 0 (stayed)"), std::string::npos);
}

TEST(ChurnFiles, NoPartialOutputWhenTheTargetCannotBeWritten) {
  auto dir = std::filesystem::temp_directory_path() / ("kam-churn-" + crypto::request_id());
  auto st = write_file_atomically((dir / "out.csv").string(), "a,b\n");
  ASSERT_FALSE(st.ok());
  EXPECT_FALSE(std::filesystem::exists(dir));
  std::filesystem::create_directories(dir);
  ASSERT_TRUE(write_file_atomically((dir / "out.csv").string(), "a,b\n").ok());
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir),
                          std::filesystem::directory_iterator()),
            1);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace kam::churn
