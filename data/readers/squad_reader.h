// Reader for extractive QA in the SQuAD JSON schema: SQuAD v1.1 and v2.0, XQuAD, MLQA and
// TyDi QA GoldP (raw and XTREME's processed files).
#pragma once

#include <filesystem>
#include <string>

#include "data/readers/examples.h"
#include "data/readers/read_options.h"

namespace xstilts {

// {"data": [{"title"?, "paragraphs": [{"context", "qas": [{"id", "question", "answers": [{"text",
// "answer_start"}], "is_impossible"?, "plausible_answers"?}]}]}], "version"?}. One kSpanQa
// example per question, in file order; id = the question's id (a string, or an integer written
// in decimal).
//
// answer_start counts Unicode code points of the context (Python str indices); Answer::start
// keeps it and Answer::byte_start is the byte offset into the UTF-8 context. With
// options.verify_answers (default) every answer, plausible ones included, must read its text at
// its offset; mismatches are reported with their JSON path, e.g.
// `path: $.data[0].paragraphs[2].qas[1].answers[0]: expected the context at code point 159 to
// read "France", got "Franc"`. Answers with empty text (XTREME's TyDi QA dev file has all its
// answers blanked this way) are dropped, leaving the question unlabelled. With
// options.drop_unverified_answers (option value "drop"), answers that fail the check are left out
// instead, and so is a question whose every answer fails; Examples::notes counts them.
//
// Language: options.language, else from the file name (xquad.de.json -> de; XTREME's
// squad.translate.train.en-de.json -> de, the language translated into; MLQA
// dev-context-en-question-de.json -> en, the context language), else from TyDi QA ids
// ("arabic-..." -> ar), else "en" when `format` is "squad"; otherwise an InputError asks for the
// option. `format` is recorded in Examples::format ("squad", "xquad", "mlqa", "tydiqa").
// Thread-safe; throws InputError on malformed files.
Examples ReadSquad(const std::filesystem::path& path, const ReadOptions& options = {},
                   const std::string& format = "squad");

}  // namespace xstilts
