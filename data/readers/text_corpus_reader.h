// ReadDataset's "text" format: a plain-text corpus, one sentence (or paragraph) per line, in one
// language: the Wikipedia or CC-100 shards that masked-LM training reads. Blank lines (CC-100's
// document breaks) are skipped; every other line is one unlabelled example (text_a), its id the
// 1-based line number. The language comes from `language`, else from the file name (de.txt,
// wiki.de.txt, cc100-de.txt). UTF-8 is checked as for every text file (text_file.h).
#pragma once

#include <filesystem>

#include "data/readers/examples.h"
#include "data/readers/read_options.h"

namespace xstilts {

Examples ReadTextCorpus(const std::filesystem::path& path, const ReadOptions& options = {});

}  // namespace xstilts
