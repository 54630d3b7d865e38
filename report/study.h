// Study: the results of an intermediate-task transfer grid, as the report shows them.
//
// A study has model variants (pretrained models, each multilingual or monolingual), intermediate
// tasks (English training between pretraining and the target task; "" is the baseline without
// one), and target tasks evaluated zero-shot per language. Each (model, intermediate, target)
// cell holds one primary score per language and replicate (seed); the compute of each (model, intermediate) pair is
// what its intermediate training cost. report/study_from_lineage.h builds a Study from a finished
// pipeline; report/render_*.h turn it into Markdown, CSV and HTML.
//
// Plain data plus pure queries: no I/O, safe to share between threads once built.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace xstilts {

// What some set of nodes cost, summed from their cache records.
struct Compute {
  double flops = 0;         // analytic FLOPs (6 x params x tokens training, 2 x inference, + attention)
  double tokens = 0;
  double wall_seconds = 0;
  double cpu_seconds = 0;   // user + system CPU time of the process (and children) while they ran
  double gpu_seconds = 0;   // wall seconds x GPUs of the nodes that ran on a GPU
  int nodes = 0;
  double projected_flops = 0;  // what the estimate (nodes/estimate/) projected for the same nodes

  void Add(const Compute& other);
  void Scale(double factor);  // every amount, nodes rounded
  double pflops() const { return flops / 1e15; }
  double projected_pflops() const { return projected_flops / 1e15; }
  double cpu_hours() const { return cpu_seconds / 3600; }
  double gpu_hours() const { return gpu_seconds / 3600; }
};

// One replicate of a cell: the scores of one result (or of several results that cover different
// languages with the same seeds).
struct Replicate {
  std::string seed;   // pairs it with the baseline: the seed of the result's target training
  // The seeds of the result's chain of trainings, first trained first, each repeat once ("1" for a
  // target training and the intermediate training before it with seed 1): what tells replicates
  // apart in a cell and pairs them across the targets.
  std::string label;
  std::map<std::string, double> by_language;  // percent
  double average = 0;                         // mean over by_language
};

// The scores of one (model, intermediate, target) cell: the primary metric of the target task, per
// language, over its replicates (seeds). A row without replicates (built by hand) counts as one
// replicate whose scores are its means.
struct ScoreRow {
  std::string metric;                          // e.g. "accuracy", "f1"
  std::map<std::string, double> by_language;   // mean over the replicates that have the language
  double average = 0;                          // mean over the replicates of their averages
  std::vector<Replicate> replicates;           // in label order

  int seeds() const { return replicates.empty() ? 1 : static_cast<int>(replicates.size()); }
  // Sample standard deviation over the replicates of one language's score ("" = the average);
  // empty with fewer than 2 replicates that have it.
  std::optional<double> Sd(const std::string& language = "") const;
  // The replicates as they are, or the one implicit replicate of a row built without them.
  std::vector<Replicate> Replicates() const;
};

// A gain over the baseline: the mean of the paired differences (each replicate of the variant
// minus the baseline replicate with the same seed, or the baseline's only replicate), with the 95%
// Student-t interval over those pairs when there are at least 2.
struct GainStats {
  double mean = 0;
  int pairs = 0;
  std::optional<double> low;
  std::optional<double> high;
  // The interval exists and excludes 0: a gain (or loss) that seed noise does not explain.
  bool Separated() const { return low && high && (*low > 0 || *high < 0); }
};

struct StudyCell {
  std::string model;
  std::string intermediate;  // "" = the baseline (no intermediate training)
  std::string target;
  bool operator<(const StudyCell& o) const {
    return std::tie(model, intermediate, target) < std::tie(o.model, o.intermediate, o.target);
  }
};

enum class ModelGroup { kMultilingual, kMonolingual };
const char* ModelGroupName(ModelGroup group);  // "multilingual" / "monolingual"

struct Study {
  std::string title;
  std::vector<std::string> models;          // in pipeline order
  std::map<std::string, ModelGroup> groups; // every model's group
  std::vector<std::string> intermediates;   // without the baseline, in pipeline order
  std::vector<std::string> targets;         // in pipeline order
  std::vector<std::string> languages;       // every language of any row, in first-seen order
  std::map<StudyCell, ScoreRow> scores;
  // target -> the primary metric of a uniform random guess (percent), where the results record one
  // (accuracy: 100 / labels; Tatoeba: 100 / candidates; none for F1).
  std::map<std::string, double> chance;
  // (model, intermediate) -> the compute of that intermediate training (its own nodes only:
  // what the pair adds on top of the pretrained model), for one replicate: where the intermediate
  // trainings have seeds of their own, the mean over them.
  std::map<std::pair<std::string, std::string>, Compute> intermediate_compute;
  Compute total;   // every node behind the results, as recorded when each was built
  Compute reused;  // the part that this run took from the cache instead of computing it

  const ScoreRow* Find(const std::string& model, const std::string& intermediate, const std::string& target) const;
  // The variant's score minus the same model's baseline score on the same target, paired by seed;
  // language "" = the averages. Empty when either side is missing (or the language is missing on
  // either side), or when no replicate of the variant has a baseline to pair with.
  std::optional<GainStats> PairedGain(const std::string& model, const std::string& intermediate,
                                      const std::string& target, const std::string& language = "") const;
  std::optional<double> Gain(const std::string& model, const std::string& intermediate, const std::string& target,
                             const std::string& language = "") const;
  // Mean over the targets that have a score (for intermediate "" too); empty when none has.
  std::optional<double> AverageScore(const std::string& model, const std::string& intermediate) const;
  // The gain averaged over the targets where both the variant and the baseline have a score: per
  // seed the mean of its paired differences over those targets, then the mean and interval over
  // the seeds that every such target pairs.
  std::optional<GainStats> AverageGainStats(const std::string& model, const std::string& intermediate) const;
  std::optional<double> AverageGain(const std::string& model, const std::string& intermediate) const;
  // Mean gain over the intermediate tasks of `model` for one (target, language) cell: the heat map.
  std::optional<double> MeanGainOverIntermediates(const std::string& model, const std::string& target,
                                                  const std::string& language) const;
};

}  // namespace xstilts
