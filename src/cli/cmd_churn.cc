// Churn propensity on the command line (SPEC §3): `kam churn evaluate`, `kam churn train`,
// `kam churn score` (pure file in, file out: no store is opened), and on the store:
// `kam churn train-history` (a model version from the stored usage and archive history) and
// `kam churn score-month` (the current model scores a month's customers).

#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>

#include <thread>

#include "churn/model.h"
#include "churn/xgb.h"
#include "cli/cli.h"
#include "domain/usage_fields.h"
#include "services/services.h"

namespace kam::cli {
namespace {

struct ChurnOptions {
  std::string input, label, id, model, output;
  int folds = 5;
  uint64_t seed = 42;
  int threads = 0;
  int64_t now = 0;  // stamped on a trained model
};

std::string fixed(double v, int digits = 4) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : "/") + x;
  return s;
}

Result<churn::Dataset> load_dataset(const ChurnOptions& o) {
  KAM_TRY(table, churn::read_csv_file(o.input));
  KAM_TRY(d, churn::make_dataset(std::move(table), o.label, o.id));
  size_t pos = d.positives();
  std::cout << "input: " << o.input << ", " << d.labels.size() << " rows; label '" << d.label_column
            << "' (churned: " << join(d.spelling.positive)
            << "; stayed: " << join(d.spelling.negative) << "), " << pos << " churned ("
            << fixed(100.0 * static_cast<double>(pos) / static_cast<double>(d.labels.size()), 1)
            << "%)\n";
  return d;
}

void print_schema(const churn::Dataset& d) {
  std::vector<std::string> notes = d.notes;
  auto s = churn::infer_schema(d, &notes);
  for (const auto& n : notes) std::cout << "note: " << n << "\n";
  if (!s) return;  // training reports the error itself
  size_t cat = 0;
  for (const auto& f : s->features) cat += f.categorical();
  std::cout << "features: " << s->features.size() << " (" << s->features.size() - cat
            << " numeric, " << cat << " categorical)\n";
}

void print_evaluation(const churn::Evaluation& e, uint64_t seed) {
  std::cout << "cross-validated (" << e.folds << " stratified folds, seed " << seed << ", "
            << fixed(e.seconds, 1) << " s):\n"
            << "  AUC " << fixed(e.auc_mean) << " ± " << fixed(e.auc_sd) << "\n"
            << "  log-loss " << fixed(e.log_loss) << "\n"
            << "  top 10% (" << e.top10.rows << " rows): precision " << fixed(e.top10.precision)
            << ", recall " << fixed(e.top10.recall) << ", lift " << fixed(e.top10.lift, 2) << "\n";
}

churn::TrainOptions train_options(const ChurnOptions& o) {
  churn::TrainOptions t;
  t.folds = o.folds;
  t.seed = o.seed;
  t.threads = o.threads;
  t.now = o.now;
  t.progress = [](const std::string& line) { std::cout << "  " << line << std::endl; };
  return t;
}

int evaluate(const ChurnOptions& o) {
  if (o.folds < 2) return fail(Error::invalid("folds", "cross-validation needs at least 2 folds"));
  auto d = load_dataset(o);
  if (!d) return fail(d.error());
  print_schema(*d);
  auto e = churn::cross_validate(*d, train_options(o));
  if (!e) return fail(e.error());
  print_evaluation(*e, o.seed);
  std::cout << "AUC=" << fixed(e->auc_mean) << "\n";
  return 0;
}

int train(const ChurnOptions& o) {
  auto t0 = std::chrono::steady_clock::now();
  auto d = load_dataset(o);
  if (!d) return fail(d.error());
  print_schema(*d);
  auto t = churn::train(*d, train_options(o));
  if (!t) return fail(t.error());
  if (t->evaluation.folds) print_evaluation(t->evaluation, o.seed);
  auto bytes = t->model.to_bytes();
  if (!bytes) return fail(bytes.error());
  auto saved = churn::write_file_atomically(o.model, *bytes);
  if (!saved) return fail(saved.error());
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << "final fit on all " << d->labels.size() << " rows: " << t->model.schema().rounds
            << " trees in " << fixed(t->fit_seconds, 2) << " s\n"
            << "model written to " << o.model << " (" << bytes->size() / 1024 << " KiB); "
            << fixed(secs, 1) << " s in all\n";
  if (t->evaluation.folds) std::cout << "AUC=" << fixed(t->evaluation.auc_mean) << "\n";
  return 0;
}

// When the scored file still carries the label (a hold-out set), how good were the scores.
void print_holdout_auc(const churn::TextTable& t, const churn::ModelSchema& s,
                       const std::vector<double>& scores) {
  int li = t.find(s.label_column);
  if (li < 0) return;
  std::vector<int> y;
  for (const auto& cell : t.cells[static_cast<size_t>(li)]) {
    int v = churn::label_value(cell);
    if (v < 0) return;
    y.push_back(v);
  }
  double a = churn::auc(scores, y);
  if (!std::isnan(a))
    std::cout << "AUC on the input's '" << s.label_column << "' column: " << fixed(a) << "\n";
}

int score(const ChurnOptions& o) {
  auto model = churn::Model::load(o.model);
  if (!model) return fail(model.error());
  auto table = churn::read_csv_file(o.input);
  if (!table) return fail(table.error());
  const auto& schema = model->schema();
  churn::FeatureTable ft;
  ft.rows = table->rows();
  ft.lines = table->lines;
  std::string id_header;
  if (int ii = schema.id_column.empty() ? -1 : table->find(schema.id_column); ii >= 0) {
    ft.ids = table->cells[static_cast<size_t>(ii)];
    id_header = table->columns[static_cast<size_t>(ii)];
  } else if (!schema.id_column.empty()) {
    std::cerr << "warning: the input has no '" << schema.id_column
              << "' column: rows are named by their line\n";
  }
  // Typed by the model's schema while encoding, not by this file's content.
  for (size_t c = 0; c < table->columns.size(); ++c) {
    ft.columns.push_back({table->columns[c], false, {}, std::move(table->cells[c])});
  }
  auto scored = model->score(ft);
  if (!scored) return fail(scored.error());
  for (const auto& line : scored->report.summary(schema)) std::cerr << "warning: " << line << "\n";
  auto written = churn::write_file_atomically(o.output, churn::scores_csv(ft, *scored, id_header));
  if (!written) return fail(written.error());
  for (size_t c = 0; c < table->columns.size(); ++c)
    table->cells[c] = std::move(ft.columns[c].texts);
  print_holdout_auc(*table, schema, scored->scores);
  std::cout << "scored " << ft.rows << " rows into " << o.output
            << " (factors: " << (scored->exact_factors ? "exact TreeSHAP" : "approximate (Saabas)")
            << " contributions; " << scored->report.rows_with_notes << " rows with notes)\n";
  return 0;
}

struct HistoryCliOptions {
  std::string month, name;
  int horizon = 3, cutoffs = 12, folds = 5, threads = 0;
};

int train_history(const Cli& cli, const HistoryCliOptions& o) {
  services::HistoryRequest r;
  if (!o.month.empty()) {
    auto m = domain::parse_month(o.month);
    if (!m) return fail(Error::invalid("month", "must be a month YYYY-MM"));
    r.month = *m;
  }
  r.horizon = o.horizon;
  r.cutoffs = o.cutoffs;
  r.train.folds = o.folds;
  r.train.name = o.name;
  auto database = cli.open_store(4);
  if (!database) return fail(database.error());
  services::Services s(**database, cli.clock());
  s.churn.set_threads(o.threads > 0
                          ? o.threads
                          : std::max(1, static_cast<int>(std::thread::hardware_concurrency())));
  auto t0 = std::chrono::steady_clock::now();
  std::string last_phase;
  auto m = s.churn.train_from_history(
      services::Actor::system("cli"), r, [&](const std::string& phase, size_t done, size_t total) {
        if (phase != last_phase) std::cout << phase << "…\n";
        last_phase = phase;
        if (phase == "training" && done > 0)
          std::cout << "  " << (done < total ? "fold " : "final fit ") << done << "/" << total
                    << "\n";
      });
  if (!m) return fail(m.error());
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const auto& e = (*m)["evaluation"];
  const auto& ds = e["dataset"];
  std::cout << "history: cutoffs " << ds["first_cutoff"].get<std::string>() << " to "
            << ds["last_cutoff"].get<std::string>() << ", churned within " << ds["horizon"]
            << " months: " << ds["rows"] << " customer-months, " << ds["churned"] << " churned\n";
  for (const auto& n : (*m)["notes"]) std::cout << "note: " << n.get<std::string>() << "\n";
  std::cout << "model " << (*m)["id"] << " '" << (*m)["name"].get<std::string>() << "'"
            << ((*m)["is_current"] == true ? " (current)" : " (not current: activate it to use it)")
            << ", " << (*m)["trees"] << " trees, " << (*m)["features"].size() << " features\n";
  std::cout << "cross-validated: AUC " << fixed(e.value("auc", 0.0)) << " ± "
            << fixed(e.value("auc_sd", 0.0)) << ", log-loss " << fixed(e.value("log_loss", 0.0))
            << ", top 10%: precision " << fixed(e["top10"].value("precision", 0.0)) << ", recall "
            << fixed(e["top10"].value("recall", 0.0)) << "\n";
  double rows = ds["rows"].get<double>();
  std::cout << "time: " << fixed(secs, 1) << " s in all (" << fixed(secs / rows * 100000, 1)
            << " s per 100,000 rows)\n";
  std::cout << "AUC=" << fixed(e.value("auc", 0.0)) << "\n";
  return 0;
}

int score_month(const Cli& cli, const std::string& month_text) {
  int month = 0;
  if (!month_text.empty()) {
    auto m = domain::parse_month(month_text);
    if (!m) return fail(Error::invalid("month", "must be a month YYYY-MM"));
    month = *m;
  }
  auto database = cli.open_store(4);
  if (!database) return fail(database.error());
  services::Services s(**database, cli.clock());
  s.churn.set_threads(std::max(1, static_cast<int>(std::thread::hardware_concurrency())));
  auto r = s.churn.score_month(services::Actor::system("cli"), month);
  if (!r) return fail(r.error());
  if (r->contains("skipped")) {
    std::cout << (*r)["month"].get<std::string>() << ": not scored, "
              << (*r)["skipped"].get<std::string>() << "\n";
    return 2;
  }
  std::cout << (*r)["month"].get<std::string>() << ": " << (*r)["rows"]
            << " customers scored by model " << (*r)["model_id"] << " in "
            << fixed((*r)["seconds"].get<double>(), 2) << " s\n";
  return 0;
}

}  // namespace

void register_churn(Cli& cli) {
  // Here, in main before any thread exists, because setenv is not thread-safe.
  churn::xgb::prefer_passive_threads();
  auto* churn = cli.app.add_subcommand(
      "churn", "Churn propensity model: evaluate, train, score (CSV in UTF-8 or GBK)");
  churn->require_subcommand(1);
  auto o = std::make_shared<ChurnOptions>();
  auto common = [&o](CLI::App* sub) {
    sub->add_option("--input", o->input, "CSV file, one row per customer")
        ->required()
        ->check(CLI::ExistingFile);
    sub->add_option("--threads", o->threads, "XGBoost threads (0: every core)")
        ->capture_default_str();
  };
  auto labelled = [&o, &common](CLI::App* sub) {
    common(sub);
    sub->add_option("--label", o->label, "label column: churned yes/no, 1/0, true/false, 是/否 …")
        ->required();
    sub->add_option("--id", o->id, "id column (kept out of the features, written with the scores)");
    sub->add_option("--folds", o->folds, "stratified cross-validation folds")
        ->capture_default_str();
    sub->add_option("--seed", o->seed, "random seed (folds, validation split, sampling)")
        ->capture_default_str();
  };

  auto* ev = churn->add_subcommand("evaluate",
                                   "Cross-validate on a labelled CSV; the last line is AUC=0.xxxx");
  labelled(ev);
  cli.on_run(ev, [o] { return evaluate(*o); });

  auto* tr = churn->add_subcommand("train",
                                   "Train on every row of a labelled CSV and save the model file");
  labelled(tr);
  tr->add_option("--model", o->model, "model file to write")->required();
  cli.on_run(tr, [&cli, o] {
    o->now = cli.clock().now();
    return train(*o);
  });

  auto* sc =
      churn->add_subcommand("score", "Score a CSV with a model: id, score 0..1, top 3 factors");
  common(sc);
  sc->add_option("--model", o->model, "model file from `kam churn train`")
      ->required()
      ->check(CLI::ExistingFile);
  sc->add_option("--output", o->output, "CSV to write (written whole or not at all)")->required();
  cli.on_run(sc, [o] { return score(*o); });

  auto h = std::make_shared<HistoryCliOptions>();
  auto* th = churn->add_subcommand(
      "train-history",
      "Train a model version from the stored usage and archive history (label: more than half "
      "of a customer's members gone or cancelled within the horizon)");
  cli.add_db_option(th);
  th->add_option("--month", h->month,
                 "last cutoff month YYYY-MM (default: the newest whose horizon is stored)");
  th->add_option("--horizon", h->horizon, "churned within this many months")->capture_default_str();
  th->add_option("--cutoffs", h->cutoffs, "cutoff months stacked")->capture_default_str();
  th->add_option("--folds", h->folds, "cross-validation folds")->capture_default_str();
  th->add_option("--name", h->name, "name in the model list");
  th->add_option("--threads", h->threads, "XGBoost threads (0: every core)")->capture_default_str();
  cli.on_run(th, [&cli, h] { return train_history(cli, *h); });

  auto sm_month = std::make_shared<std::string>();
  auto* sm = churn->add_subcommand("score-month",
                                   "Score every active customer of a month with the current model");
  cli.add_db_option(sm);
  sm->add_option("--month", *sm_month, "YYYY-MM (default: the latest usage month)");
  cli.on_run(sm, [&cli, sm_month] { return score_month(cli, *sm_month); });
}

}  // namespace kam::cli
