// Readers for XTREME's sentence retrieval tasks. Both return TaskType::kParallelSentences with
// no Example rows: everything is in Examples::parallel (source = the non-English side).
// Thread-safe; throw InputError on malformed files, several problems at once.
#pragma once

#include <filesystem>

#include "data/readers/examples.h"
#include "data/readers/read_options.h"

namespace xstilts {

// BUCC 2018 bitext mining as XTREME prepares it. `prefix` names the file set without its
// extension, e.g. bucc2018/zh-en.dev (a path to one of its files, like zh-en.dev.zh, works too):
// <prefix>.<src> and <prefix>.en hold `id<TAB>sentence` lines (ids like zh-000000001, unique
// per file), and <prefix>.gold, when present (the test split has none), `src_id<TAB>en_id`
// lines, each id present in its file. Languages come from the `xx-en` in the name.
Examples ReadBucc(const std::filesystem::path& prefix, const ReadOptions& options = {});

// Tatoeba as LASER publishes it (XTREME's Tatoeba task): `prefix` names the pair without the
// extension, e.g. tatoeba/v1/tatoeba.ara-eng (or one of its files); <prefix>.ara and
// <prefix>.eng hold one sentence per line, aligned by line (the gold pairs are (i, i)). Both must
// have the same number of lines. Ids are 0-based line indices. ISO 639-3 codes become XTREME's
// codes (ara -> ar, cmn -> zh, eng -> en; others stay as written).
Examples ReadTatoeba(const std::filesystem::path& prefix, const ReadOptions& options = {});

}  // namespace xstilts
