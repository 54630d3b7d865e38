// Readers for token tagging data in the plain text layouts XTREME and jiant use: UD POS and
// PAN-X / WikiANN NER as `token<TAB>tag` lines with a blank line between sentences, and CCG
// supertags as one sentence per line. (CoNLL-U is in conllu_reader.h.) All return
// TaskType::kTagging with tokens / tags per sentence; ids are 0-based sentence indices.
// Thread-safe; throws InputError on malformed files, several problems at once.
#pragma once

#include <filesystem>

#include "data/readers/examples.h"
#include "data/readers/read_options.h"

namespace xstilts {

// XTREME's processed UD POS files {train,dev,test}-<lang>.tsv: `token<TAB>UPOS` per line, blank
// lines between sentences (several blank lines in a row are one break). Lines with a token and
// no tab (XTREME's test files, whose tags were removed) give sentences without tags; a file
// must be all tagged or all untagged. Labels: the 17 UPOS tags, sorted (XTREME's labels.txt).
// Options: language.
Examples ReadUdposTsv(const std::filesystem::path& path, const ReadOptions& options = {});

// PAN-X / WikiANN NER: XTREME's processed {train,dev,test}-<lang>.tsv (`token<TAB>tag`) and the
// raw WikiANN split files of Rahimi et al. (`lang:token<TAB>tag`, e.g. `en:Sioux<TAB>B-ORG`),
// same sentence breaks. options.lang_prefix says whether to strip the `lang:` prefix; with it,
// the language is the prefix. Tags are BIO over PER / ORG / LOC; labels: B-LOC, B-ORG, B-PER,
// I-LOC, I-ORG, I-PER, O. BIO transitions are not checked: the published zh and ja files have
// I- tags that follow O (see docs/datasets.md). Options: language, lang_prefix.
Examples ReadPanx(const std::filesystem::path& path, const ReadOptions& options = {});

// CCG supertagging as jiant reads it (ccg.{train,dev,test}): one sentence per line,
// `tokens<TAB>supertags`, tokens separated by single spaces (jiant splits on " "), supertags
// separated by whitespace, one supertag per token. Supertags contain no spaces, e.g.
// `(S[dcl]\NP)/NP`. With options.tags_file (jiant's tags_to_id.json) the label set is that
// file's tags ordered by id and every tag must be in it; otherwise the sorted tags seen.
// Language "en" unless options.language says otherwise. Options: language, tags_file.
Examples ReadCcg(const std::filesystem::path& path, const ReadOptions& options = {});

}  // namespace xstilts
