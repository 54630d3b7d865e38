// gettext_corpus: an aligned multilingual corpus from the machine's gettext catalogs
// (data/readers/gettext_corpus.h), written as an "examples" artifact. docs/artifacts.md
// ("gettext corpus") describes the shape and the three uses it serves.
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "base/input_error.h"
#include "data/examples_artifact.h"
#include "data/readers/gettext_corpus.h"
#include "graph/registry.h"

namespace fs = std::filesystem;

namespace xstilts {
namespace {

struct CorpusParams {
  GettextCorpusOptions corpus;
  int64_t min_languages = 1;
  int64_t max_messages = 0;
  uint64_t seed = 0;
  bool include_english = true;
};

CorpusParams ParseParams(const nlohmann::json& params, const fs::path& base_dir) {
  CorpusParams p;
  const fs::path root = params["root"].get<std::string>();
  p.corpus.locale_dir = root.is_absolute() ? root : base_dir / root;
  p.corpus.languages = params["languages"].get<std::vector<std::string>>();
  p.corpus.domains = params["domains"].get<std::vector<std::string>>();
  p.corpus.include_plurals = params["include_plurals"].get<bool>();
  p.min_languages = params["min_languages"].get<int64_t>();
  p.max_messages = params["max_messages"].get<int64_t>();
  p.seed = static_cast<uint64_t>(params["seed"].get<int64_t>());
  p.include_english = params["include_english"].get<bool>();
  if (p.corpus.languages.empty()) {
    throw InputError("param 'languages': expected at least one locale folder name, like [de, zh_CN], got none");
  }
  const std::set<std::string> distinct(p.corpus.languages.begin(), p.corpus.languages.end());
  if (distinct.size() != p.corpus.languages.size()) throw InputError("param 'languages': a language is listed twice");
  if (p.min_languages < 1 || p.min_languages > static_cast<int64_t>(p.corpus.languages.size())) {
    throw InputError(fmt::format("param 'min_languages': expected 1 to {} (the number of languages), got {}",
                                 p.corpus.languages.size(), p.min_languages));
  }
  if (p.max_messages < 0) {
    throw InputError(fmt::format("param 'max_messages': expected 0 (all) or more, got {}", p.max_messages));
  }
  return p;
}

// The catalogs BuildGettextCorpus reads for these options (the same selection, without parsing
// them), so the cache key can hash their content before the node runs.
std::vector<fs::path> CatalogFiles(const GettextCorpusOptions& options) {
  std::set<std::string> wanted(options.domains.begin(), options.domains.end());
  std::set<std::string> found;
  std::vector<fs::path> files;
  for (const std::string& language : options.languages) {
    const fs::path dir = options.locale_dir / language / "LC_MESSAGES";
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
      throw InputError(dir.string(), 0,
                       fmt::format("expected a folder of .mo catalogs for language '{}', got none", language));
    }
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->path().extension() != ".mo") continue;
      const std::string domain = it->path().stem().string();
      if (!wanted.empty() && wanted.count(domain) == 0) continue;
      found.insert(domain);
      files.push_back(it->path());
    }
    if (ec) throw InputError(dir.string(), 0, "cannot list: " + ec.message());
  }
  for (const std::string& domain : wanted) {
    if (found.count(domain) == 0) {
      throw InputError(options.locale_dir.string(), 0,
                       fmt::format("expected {}.mo in the LC_MESSAGES folder of at least one of the languages, "
                                   "got none",
                                   domain));
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Uniform in [0, n) from a generator whose output the C++ standard fixes (std::mt19937_64), with
// rejection instead of std::uniform_int_distribution, whose algorithm differs between standard
// libraries: the same seed must pick the same messages everywhere.
uint64_t Below(std::mt19937_64& rng, uint64_t n) {
  const uint64_t limit = std::numeric_limits<uint64_t>::max() - std::numeric_limits<uint64_t>::max() % n;
  uint64_t x = rng();
  while (x >= limit) x = rng();
  return x % n;
}

// Indices of `count` of `n` items, chosen uniformly by a partial Fisher-Yates shuffle, sorted.
std::vector<size_t> Sample(size_t n, size_t count, uint64_t seed) {
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = i;
  std::mt19937_64 rng(seed);
  for (size_t i = 0; i < count; ++i) std::swap(order[i], order[i + Below(rng, n - i)]);
  order.resize(count);
  std::sort(order.begin(), order.end());
  return order;
}

void RunGettextCorpus(NodeContext& ctx) {
  const CorpusParams p = ParseParams(ctx.params(), ctx.base_dir());
  ctx.Progress(-1, "reading catalogs");
  GettextCorpus corpus = BuildGettextCorpus(p.corpus);
  const size_t aligned = corpus.messages.size();
  if (ctx.cancelled()) return;

  std::vector<AlignedMessage> kept;
  for (AlignedMessage& m : corpus.messages) {
    const auto translated = std::count_if(m.translations.begin(), m.translations.end(),
                                          [](const std::string& t) { return !t.empty(); });
    if (translated >= p.min_languages) kept.push_back(std::move(m));
  }
  const size_t qualifying = kept.size();
  if (p.max_messages > 0 && kept.size() > static_cast<size_t>(p.max_messages)) {
    std::vector<AlignedMessage> sampled;
    for (size_t i : Sample(kept.size(), static_cast<size_t>(p.max_messages), p.seed)) sampled.push_back(std::move(kept[i]));
    kept = std::move(sampled);
  }
  corpus.messages = std::move(kept);
  // Labels are the domains that still have messages (the list stays sorted: messages are).
  corpus.domains.clear();
  for (const AlignedMessage& m : corpus.messages) {
    if (corpus.domains.empty() || corpus.domains.back() != m.domain) corpus.domains.push_back(m.domain);
  }
  if (corpus.messages.empty()) {
    throw InputError(fmt::format("no message of the {} catalogs read is translated into at least {} of the languages",
                                 corpus.files_read.size(), p.min_languages));
  }
  Examples examples = GettextCorpusToExamples(corpus, p.include_english);

  ctx.Log(fmt::format("{} catalogs, {} aligned messages, {} translated into at least {} of {} languages, {} kept "
                      "in {} domains",
                      corpus.files_read.size(), aligned, qualifying, p.min_languages, p.corpus.languages.size(),
                      corpus.messages.size(), corpus.domains.size()));
  std::map<std::string, size_t> per_language;
  for (const Example& e : examples.examples) ++per_language[e.language];
  std::string counts;
  for (const auto& [language, n] : per_language) counts += fmt::format("{}{} {}", counts.empty() ? "" : ", ", language, n);
  ctx.Log("examples per language: " + counts);
  WriteExamples(examples, ctx.output("corpus"));
  ctx.Progress(1.0, std::to_string(examples.examples.size()) + " examples");
}

nlohmann::json GettextCorpusKey(const nlohmann::json& params, const fs::path& base_dir, FileHasher& hasher) {
  const CorpusParams p = ParseParams(params, base_dir);
  nlohmann::json files = nlohmann::json::object();
  for (const fs::path& file : CatalogFiles(p.corpus)) files[file.string()] = hasher.Hash(file);
  return {{"files", files}};
}

NodeType MakeGettextCorpusNodeType() {
  NodeType t;
  t.name = "gettext_corpus";
  t.summary = "Aligned multilingual text from the system's gettext catalogs, labelled by program (text domain).";
  t.example = R"(messages:
  type: gettext_corpus
  params:
    languages: [de, fr, zh_CN, ja]
    domains: [coreutils, git, gnupg2, tar]
    min_languages: 2
    max_messages: 5000)";
  t.version = 1;
  t.outputs = {PortSpec{"corpus", kExamplesArtifactKind,
                        "sentence_classification examples: one per (message, language), id = message index shared "
                        "across languages, label = domain (docs/artifacts.md, gettext corpus)"}};
  t.params = {
      ParamSpec{"languages", ParamType::kStringList, nullptr, "locale folder names, e.g. [de, zh_CN, pt_BR]"},
      ParamSpec{"domains", ParamType::kStringList, nlohmann::json::array(),
                "text domains (.mo file names without .mo); empty = every domain of any listed language"},
      ParamSpec{"root", ParamType::kString, "/usr/share/locale",
                "the folder holding <lang>/LC_MESSAGES/*.mo (relative paths: to the pipeline file)"},
      ParamSpec{"min_languages", ParamType::kInt, 1,
                "keep messages translated into at least this many of 'languages' (English not counted)"},
      ParamSpec{"max_messages", ParamType::kInt, 0,
                "keep a uniform sample of this many messages (with all their translations); 0 = all"},
      ParamSpec{"seed", ParamType::kInt, 0, "seed of the max_messages sample"},
      ParamSpec{"include_english", ParamType::kBool, true, "add each message's English msgid as an 'en' example"},
      ParamSpec{"include_plurals", ParamType::kBool, true,
                "use plural entries (singular msgid, first plural translation)"},
  };
  t.resources.threads = 1;
  t.run = RunGettextCorpus;
  t.extra_key = GettextCorpusKey;
  return t;
}

}  // namespace

XSTILTS_REGISTER_NODE_TYPE(MakeGettextCorpusNodeType);

}  // namespace xstilts
