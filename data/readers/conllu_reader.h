// Reader for Universal Dependencies treebanks in CoNLL-U (https://universaldependencies.org/format.html),
// the files XTREME's UD-POS task is built from.
#pragma once

#include <filesystem>

#include "data/readers/examples.h"
#include "data/readers/read_options.h"

namespace xstilts {

// One example per sentence: the syntactic words (lines whose ID is an integer) with FORM as the
// token and UPOS (or XPOS, options.tag_column) as the tag. Multiword token lines (`1-2  im`) and
// empty nodes (`8.1`) are skipped, as POS tagging evaluates words. `#` comment lines are
// metadata; `# sent_id = ...` becomes the id (else the 0-based sentence index). Every word line
// must have 10 tab-separated fields, word IDs must count 1, 2, 3, ... within a sentence, and UPOS
// must be one of the 17 UD tags, which form the label set (sorted); with tag_column "xpos" the
// label set is the sorted XPOS values seen. Language: options.language, else the file name
// (en_ewt-ud-dev.conllu -> en). Thread-safe; throws InputError, several problems at once.
Examples ReadConllu(const std::filesystem::path& path, const ReadOptions& options = {});

}  // namespace xstilts
