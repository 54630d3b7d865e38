// dataset: reads a benchmark file (or one file per language) with a data/readers/ reader and
// writes it as an "examples" artifact (data/examples_artifact.h).
#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "base/input_error.h"
#include "data/examples_artifact.h"
#include "data/readers/read_dataset.h"
#include "graph/registry.h"
#include "nodes/expected_size_params.h"
#include "nodes/files_input.h"
#include "nodes/language_params.h"

namespace fs = std::filesystem;

namespace xstilts {
namespace {

constexpr const char kLangPlaceholder[] = "{lang}";

// One file (or file set) the node reads.
struct DatasetRead {
  std::string language;      // the {lang} value, "" without expansion
  std::string shown_path;    // as the pipeline names it, {lang} replaced
  fs::path path;             // absolute
  ReadOptions options;
  std::vector<fs::path> files;  // every file the reader reads, for the cache key
};

struct DatasetPlan {
  const DatasetFormat* format = nullptr;
  std::vector<DatasetRead> reads;
  int64_t limit = 0;
};

std::string ReplaceAll(std::string text, const std::string& from, const std::string& to) {
  for (size_t pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size())) {
    text.replace(pos, from.size(), to);
  }
  return text;
}

bool Takes(const DatasetFormat& format, std::string_view option) {
  return std::find(format.options.begin(), format.options.end(), option) != format.options.end();
}

// The files a reader opens for `path`. Retrieval formats read a file set `<prefix>.<ext>` (a path
// to one of its files names the set too, as in retrieval_reader.h); gettext reads the catalogs of
// the requested languages; every other format reads `path` itself.
std::vector<fs::path> FilesRead(const DatasetFormat& format, const fs::path& path, const ReadOptions& options) {
  std::vector<fs::path> files;
  std::error_code ec;
  if (format.task == TaskType::kParallelSentences) {
    const fs::path prefix = fs::is_regular_file(path, ec) ? path.parent_path() / path.stem() : path;
    const std::string stem = prefix.filename().string() + ".";
    for (fs::directory_iterator it(prefix.parent_path(), ec), end; !ec && it != end; it.increment(ec)) {
      const std::string name = it->path().filename().string();
      if (name.size() > stem.size() && name.compare(0, stem.size(), stem) == 0 &&
          name.find('.', stem.size()) == std::string::npos && it->is_regular_file()) {
        files.push_back(it->path());
      }
    }
    // Nothing found: let the hasher name the missing file set.
    if (files.empty()) files.push_back(prefix);
  } else if (format.name == "gettext") {
    const std::set<std::string> domains(options.domains.begin(), options.domains.end());
    for (const std::string& language : options.languages) {
      const fs::path dir = path / language / "LC_MESSAGES";
      for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->path().extension() != ".mo") continue;
        if (domains.empty() || domains.count(it->path().stem().string())) files.push_back(it->path());
      }
      ec.clear();  // a missing language folder is the reader's error to report
    }
  } else {
    files.push_back(path);
  }
  if (!options.tags_file.empty()) files.push_back(options.tags_file);
  std::sort(files.begin(), files.end());
  return files;
}

// Checks the params and works out what to read. Runs at planning time (through the cache key) and
// again in the body, so a typo in an option fails before anything runs.
DatasetPlan PlanReads(const nlohmann::json& params, const fs::path& base_dir) {
  DatasetPlan plan;
  const std::string format_name = params["format"].get<std::string>();
  plan.format = FindDatasetFormat(format_name);
  if (plan.format == nullptr) throw InputError("unknown dataset format '" + format_name + "'");
  plan.limit = params["limit"].get<int64_t>();
  if (plan.limit < 0) {
    throw InputError("param 'limit': expected 0 (all) or a positive count, got " + std::to_string(plan.limit));
  }
  const std::string path = params["path"].get<std::string>();
  const std::string language = params["language"].get<std::string>();
  const std::vector<std::string> languages = params["languages"].get<std::vector<std::string>>();
  nlohmann::json reader_options = params["options"];
  for (const char* own : {"language", "languages"}) {
    if (reader_options.contains(own)) {
      throw InputError(fmt::format("param 'options': give '{}' as a param of the node, not inside 'options'", own));
    }
  }
  const bool expand = path.find(kLangPlaceholder) != std::string::npos;
  std::vector<std::string> expansion = {""};
  if (expand) {
    if (languages.empty()) {
      throw InputError("param 'path' contains {lang}: expected 'languages' to list the values, got none");
    }
    if (!language.empty()) {
      throw InputError("param 'language' cannot be set when 'path' contains {lang}: each file gets its {lang} value");
    }
    if (plan.format->task == TaskType::kParallelSentences && languages.size() > 1) {
      throw InputError(fmt::format("format '{}' holds one language pair per artifact: declare one dataset node per "
                                   "pair instead of {} languages", format_name, languages.size()));
    }
    expansion = languages;
  } else {
    if (!language.empty()) reader_options["language"] = language;
    if (!languages.empty()) reader_options["languages"] = languages;
  }
  for (const std::string& lang : expansion) {
    nlohmann::json options = reader_options;
    if (expand && Takes(*plan.format, "language")) options["language"] = lang;
    DatasetRead read;
    read.language = lang;
    read.shown_path = expand ? ReplaceAll(path, kLangPlaceholder, lang) : path;
    read.path = fs::path(read.shown_path).is_absolute() ? fs::path(read.shown_path) : base_dir / read.shown_path;
    read.options = ParseReadOptions(format_name, options);
    if (!read.options.tags_file.empty() && read.options.tags_file.is_relative()) {
      read.options.tags_file = base_dir / read.options.tags_file;
    }
    read.files = FilesRead(*plan.format, read.path, read.options);
    plan.reads.push_back(std::move(read));
  }
  return plan;
}

void ApplyLimit(Examples& examples, int64_t limit) {
  if (limit <= 0) return;
  const auto n = static_cast<size_t>(limit);
  if (examples.examples.size() > n) examples.examples.resize(n);
  // Parallel data: the first `limit` sentences of each side and the gold pairs among them.
  ParallelSentences& p = examples.parallel;
  if (p.source_ids.size() > n) {
    p.source_ids.resize(n);
    p.source_texts.resize(n);
  }
  if (p.target_ids.size() > n) {
    p.target_ids.resize(n);
    p.target_texts.resize(n);
  }
  const auto outside = [&](const std::pair<int64_t, int64_t>& g) {
    return g.first >= static_cast<int64_t>(p.source_ids.size()) || g.second >= static_cast<int64_t>(p.target_ids.size());
  };
  p.gold.erase(std::remove_if(p.gold.begin(), p.gold.end(), outside), p.gold.end());
}

void RunDataset(NodeContext& ctx) {
  const DatasetPlan plan = PlanReads(ctx.params(), ctx.base_dir());
  Examples merged;
  for (size_t i = 0; i < plan.reads.size(); ++i) {
    if (ctx.cancelled()) return;
    const DatasetRead& read = plan.reads[i];
    ctx.Progress(static_cast<double>(i) / plan.reads.size(), "reading " + read.shown_path);
    Examples part = ReadDataset(plan.format->name, read.path, read.options);
    const size_t total = part.examples.size() + part.parallel.source_ids.size();
    ApplyLimit(part, plan.limit);
    const size_t kept = part.examples.size() + part.parallel.source_ids.size();
    ctx.Log(fmt::format("{}: {} {}{}", read.shown_path, kept,
                        part.task == TaskType::kParallelSentences ? "source sentences" : "examples",
                        kept == total ? "" : fmt::format(" (first of {})", total)));
    for (const std::string& note : part.notes) ctx.Log(fmt::format("{}: {}", read.shown_path, note));
    if (i == 0) {
      merged = std::move(part);
    } else {
      AppendExamples(merged, std::move(part), plan.reads[0].shown_path, read.shown_path);
    }
  }
  WriteExamples(merged, ctx.output("examples"));
  ctx.Progress(1.0, merged.task == TaskType::kParallelSentences
                        ? fmt::format("{} source and {} target sentences", merged.parallel.source_ids.size(),
                                      merged.parallel.target_ids.size())
                        : fmt::format("{} examples", merged.examples.size()));
}

nlohmann::json DatasetKey(const nlohmann::json& params, const fs::path& base_dir, FileHasher& hasher) {
  const DatasetPlan plan = PlanReads(params, base_dir);
  nlohmann::json files = nlohmann::json::object();
  for (const DatasetRead& read : plan.reads) {
    for (const fs::path& file : read.files) {
      // Refused here, when the run is planned: read, a directory fails late and an empty file
      // would give a cached artifact without examples.
      std::error_code ec;
      if (fs::is_directory(file, ec)) {
        throw InputError(file.string(), 0,
                         "is a directory; a '" + std::string(plan.format->name) + "' dataset is read from files");
      }
      if (fs::is_regular_file(file, ec) && fs::file_size(file, ec) == 0 && !ec) {
        throw InputError(file.string(), 0,
                         "is empty; a '" + std::string(plan.format->name) + "' dataset needs examples");
      }
      // Name files as the pipeline does (relative to its folder) so a change reads naturally.
      const fs::path relative = file.lexically_relative(base_dir);
      const bool inside = !relative.empty() && *relative.begin() != "..";
      files[inside ? relative.string() : file.string()] = hasher.Hash(file);
    }
  }
  return {{"files", files}};
}

NodeType MakeDatasetNodeType() {
  NodeType t;
  t.name = "dataset";
  t.summary = "Reads a benchmark file (or one file per language) into an examples artifact.";
  t.example = R"(xnli_dev:
  type: dataset
  params:
    format: xnli
    path: "data/xnli/dev-{lang}.tsv"      # quoted: { } are YAML syntax in flow style
    languages: [de, fr, zh]
panx_train_small:
  type: dataset
  params: {format: panx, path: data/panx/train-en.tsv, limit: 1000})";
  t.version = 1;
  t.inputs = {FilesInputPort()};
  t.outputs = {PortSpec{"examples", kExamplesArtifactKind, "the examples read (docs/artifacts.md, examples)"}};
  std::vector<std::string> formats;
  for (const DatasetFormat& f : DatasetFormats()) formats.emplace_back(f.name);
  t.params = {
      ParamSpec{"format", ParamType::kString, nullptr, "the reader (docs/datasets.md describes each format)", formats},
      ParamSpec{"path", ParamType::kString, nullptr,
                "the file, or for bucc2018/tatoeba the file-set prefix, relative to the pipeline file (or to the "
                "`files` input); "
                "{lang} is replaced by each of 'languages' and the files are read into one artifact"},
      ParamSpec{"language", ParamType::kString, "",
                "language of a single-language file (default: from the file name); not with {lang}"},
      ParamSpec{"languages", ParamType::kStringList, nlohmann::json::array(),
                "with {lang} in 'path': the values, one file each; otherwise the reader's 'languages' option "
                "(xnli_raw and xnli_jsonl filter, gettext locale folders)"},
      ParamSpec{"options", ParamType::kMap, nlohmann::json::object(),
                "other reader options: quoting, tag_column, lang_prefix, verify_answers (true, false or \"drop\"), "
                "tags_file, domains, "
                "include_plurals, include_english (docs/datasets.md)"},
      ParamSpec{"limit", ParamType::kInt, 0,
                "keep the first N examples of each file read (parallel data: the first N sentences of each "
                "side and the gold pairs among them); 0 = all"},
      ExpectedExamplesParam(),
  };
  t.check_params = [](const nlohmann::json& params) { return CheckLanguageCodes(params, {"language"}); };
  t.resources.threads = 1;
  t.run = [](NodeContext& ctx) { RunWithFilesInput(ctx, ctx.params()["path"].get<std::string>(), RunDataset); };
  t.extra_key = DatasetKey;
  return t;
}

}  // namespace

XSTILTS_REGISTER_NODE_TYPE(MakeDatasetNodeType);

}  // namespace xstilts
