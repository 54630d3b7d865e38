// End-to-end tests of `xstilts score`: a prediction and a label folder tree are written to a temp
// folder, RunScore prints, and the whole output is compared. Every expected score is worked out
// by hand in the comments.
#include "eval/score_command.h"

#include <gtest/gtest.h>

#include <sstream>

#include "eval/score_tasks.h"
#include "tests/eval/temp_tree.h"

namespace xstilts {
namespace {

using testing::TempTree;

struct ScoreRun {
  int code;
  std::string out;
  std::string err;
};

ScoreRun Score(const TempTree& tree, const std::string& task, bool json = false,
               SeqevalVersion seqeval = kXtremeSeqevalVersion) {
  ScoreOptions options;
  options.task = task;
  options.predictions = tree.root() / "pred";
  options.labels = tree.root() / "labels";
  options.json = json;
  options.seqeval = seqeval;
  std::ostringstream out;
  std::ostringstream err;
  const int code = RunScore(options, out, err);
  return {code, out.str(), err.str()};
}

const std::vector<std::string>& Languages(const std::string& task) {
  return FindTask(task)->languages;
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i];
  return out;
}

// "v, v, ..., v" with one v per language of `task`.
std::string Same(const std::string& task, const std::string& v) {
  return Join(std::vector<std::string>(Languages(task).size(), v));
}

// Writes the same prediction and gold file for every language of `task`.
void WriteTask(const TempTree& tree, const std::string& task, const std::string& prediction,
               const std::string& gold) {
  const std::string extension = FindTask(task)->extension();
  for (const std::string& lang : Languages(task)) {
    tree.Write("pred/" + task + "/test-" + lang + "." + extension, prediction);
    tree.Write("labels/" + task + "/test-" + lang + "." + extension, gold);
  }
}

std::string QaGold(const std::string& questions) {
  return R"({"version": "1.1", "data": [{"title": "t", "paragraphs": [{"context": "c", "qas": [)" +
         questions + "]}]}]}";
}

// Every task, each with the same hand-checked score in all its languages (except mlqa, where
// the normalisation differs by language).
void WriteAllTasks(const TempTree& tree) {
  // pawsx: 3 of 4 -> 75.
  WriteTask(tree, "pawsx", "1\n1\n1\n1\n", "1\n0\n1\n1\n");
  // xnli: 1 of 2 -> 50.
  WriteTask(tree, "xnli", "entailment\ncontradiction\n", "entailment\nneutral\n");
  // panx: gold PER(0,1) LOC(3,3); predicted PER(0,1): P 100, R 50, F1 2/3 = 66.67.
  WriteTask(tree, "panx", "B-PER\nI-PER\nO\nO\n", "B-PER\nI-PER\nO\nB-LOC\n");
  // udpos: gold OUN(0,0) ERB(1,1) ET(2,2) OUN(3,3); predicted OUN(0,0) ERB(1,1) OUN(2,3).
  // 2 correct: P 2/3 = 66.67, R 2/4 = 50, F1 4/7 = 57.14.
  WriteTask(tree, "udpos", "NOUN\nVERB\nNOUN\nNOUN\n", "NOUN\nVERB\nDET\nNOUN\n");
  // bucc2018: 3 of 4 predicted pairs are among 4 gold pairs: P = R = F1 = 75.
  WriteTask(tree, "bucc2018", "s1\tt1\ns2\tt2\ns3\tt3\ns4\tt5\n", "s1\tt1\ns2\tt2\ns3\tt3\ns4\tt4\n");
  // tatoeba: 3 of 5 indices right -> 60.
  WriteTask(tree, "tatoeba", "0\n1\n2\n4\n3\n", "0\n1\n2\n3\n4\n");
  // xquad: q1 right, q2 unanswered: EM 50, F1 50, metric 50.
  WriteTask(tree, "xquad", R"({"q1": "berlin"})",
            QaGold(R"({"id": "q1", "answers": [{"text": "Berlin"}]},)"
                   R"({"id": "q2", "answers": [{"text": "Rome"}]})"));
  // mlqa: "house" against "the house". en drops the article: EM 100, F1 100. The other six
  // languages keep "the": EM 0, tokens [house] vs [the house]: P 1, R 1/2, F1 2/3 = 66.67.
  // avg EM = 100/7 = 14.29; avg F1 = (100 + 6 * 200/3)/7 = 500/7 = 71.43; metric 300/7 = 42.86.
  WriteTask(tree, "mlqa", R"({"q1": "house"})",
            QaGold(R"({"id": "q1", "answers": [{"text": "the house"}]})"));
  // tydiqa: "paris." normalises to "paris": EM 100, F1 100.
  WriteTask(tree, "tydiqa", R"({"q1": "paris."})",
            QaGold(R"({"id": "q1", "answers": [{"text": "Paris"}]})"));
}

TEST(ScoreCommand, SingleTaskPrintsEvaluatePyLayout) {
  TempTree tree;
  // de: 4 of 4 = 100; the six others 3 of 4 = 75. Mean (100 + 6 * 75) / 7 = 550/7 = 78.57.
  WriteTask(tree, "pawsx", "1\n1\n1\n1\n", "1\n0\n1\n1\n");
  tree.Write("pred/pawsx/test-de.tsv", "1\n0\n1\n1\n");
  const ScoreRun run = Score(tree, "pawsx");
  EXPECT_EQ(run.code, kScoreOk);
  EXPECT_EQ(run.err, "");
  EXPECT_EQ(run.out,
            "====== pawsx ======\n"
            "\n"
            "------ accuracy ------\n"
            "de, en, es, fr, ja, ko, zh\n"
            "100.00, 75.00, 75.00, 75.00, 75.00, 75.00, 75.00\n"
            "\n"
            "accuracy: 78.57\n"
            "metric: 78.57\n");
}

TEST(ScoreCommand, AllTasksPrintsTheXtremeScore) {
  TempTree tree;
  WriteAllTasks(tree);
  const ScoreRun run = Score(tree, "all");
  EXPECT_EQ(run.code, kScoreOk);
  const std::string mlqa_rest = ", 0.00, 0.00, 0.00, 0.00, 0.00, 0.00";
  const std::string expected =
      "====== pawsx ======\n\n------ accuracy ------\n" + Join(Languages("pawsx")) + "\n" +
      Same("pawsx", "75.00") + "\n\naccuracy: 75.00\nmetric: 75.00\n" +
      "====== xnli ======\n\n------ accuracy ------\n" + Join(Languages("xnli")) + "\n" +
      Same("xnli", "50.00") + "\n\naccuracy: 50.00\nmetric: 50.00\n" +
      "====== panx ======\n\n"
      "------ f1 ------\n" + Join(Languages("panx")) + "\n" + Same("panx", "66.67") + "\n\n"
      "------ precision ------\n" + Join(Languages("panx")) + "\n" + Same("panx", "100.00") + "\n\n"
      "------ recall ------\n" + Join(Languages("panx")) + "\n" + Same("panx", "50.00") + "\n\n"
      "f1: 66.67\nprecision: 100.00\nrecall: 50.00\nmetric: 66.67\nseqeval: 0.0.12\n"
      "====== udpos ======\n\n"
      "------ f1 ------\n" + Join(Languages("udpos")) + "\n" + Same("udpos", "57.14") + "\n\n"
      "------ precision ------\n" + Join(Languages("udpos")) + "\n" + Same("udpos", "66.67") + "\n\n"
      "------ recall ------\n" + Join(Languages("udpos")) + "\n" + Same("udpos", "50.00") + "\n\n"
      "f1: 57.14\nprecision: 66.67\nrecall: 50.00\nmetric: 57.14\nseqeval: 0.0.12\n"
      "====== bucc2018 ======\n\n"
      "------ f1 ------\nde, fr, ru, zh\n75.00, 75.00, 75.00, 75.00\n\n"
      "------ precision ------\nde, fr, ru, zh\n75.00, 75.00, 75.00, 75.00\n\n"
      "------ recall ------\nde, fr, ru, zh\n75.00, 75.00, 75.00, 75.00\n\n"
      "f1: 75.00\nprecision: 75.00\nrecall: 75.00\nmetric: 75.00\n"
      "====== tatoeba ======\n\n------ accuracy ------\n" + Join(Languages("tatoeba")) + "\n" +
      Same("tatoeba", "60.00") + "\n\naccuracy: 60.00\nmetric: 60.00\n" +
      "====== xquad ======\n\n"
      "------ exact_match ------\n" + Join(Languages("xquad")) + "\n" + Same("xquad", "50.00") + "\n\n"
      "------ f1 ------\n" + Join(Languages("xquad")) + "\n" + Same("xquad", "50.00") + "\n\n"
      "exact_match: 50.00\nf1: 50.00\nmetric: 50.00\n"
      "====== mlqa ======\n\n"
      "------ exact_match ------\nen, es, de, ar, hi, vi, zh\n100.00" + mlqa_rest + "\n\n"
      "------ f1 ------\nen, es, de, ar, hi, vi, zh\n"
      "100.00, 66.67, 66.67, 66.67, 66.67, 66.67, 66.67\n\n"
      "exact_match: 14.29\nf1: 71.43\nmetric: 42.86\n"
      "====== tydiqa ======\n\n"
      "------ exact_match ------\n" + Join(Languages("tydiqa")) + "\n" + Same("tydiqa", "100.00") + "\n\n"
      "------ f1 ------\n" + Join(Languages("tydiqa")) + "\n" + Same("tydiqa", "100.00") + "\n\n"
      "exact_match: 100.00\nf1: 100.00\nmetric: 100.00\n"
      // classification (75 + 50)/2 = 62.5; tagging (400/7 + 200/3)/2 = 1300/21 = 61.90;
      // qa (50 + 300/7 + 100)/3 = 1350/21 = 64.29; retrieval (75 + 60)/2 = 67.5.
      // all_task: mean of the nine = (510 + 200/3)/9 = 1730/27 = 64.07.
      // xtreme: mean of the four groups = 64.047619 = 64.05.
      "====== xtreme ======\n\n"
      "------ metric ------\n"
      "pawsx, xnli, panx, udpos, bucc2018, tatoeba, xquad, mlqa, tydiqa\n"
      "75.00, 50.00, 66.67, 57.14, 75.00, 60.00, 50.00, 42.86, 100.00\n\n"
      "classification: 62.50\ntagging: 61.90\nqa: 64.29\nretrieval: 67.50\n"
      "all_task: 64.07\nxtreme: 64.05\n";
  EXPECT_EQ(run.out, expected);
  std::string notes;
  for (const std::string& lang : Languages("xquad")) {
    notes += "note: " + (tree.root() / "pred/xquad/test-" ).string() + lang +
             ".json: 1 of 2 questions have no prediction and score 0 (first: q2)\n";
  }
  EXPECT_EQ(run.err, notes);
}

TEST(ScoreCommand, AllTasksReportsMissingTasksAndGroups) {
  TempTree tree;
  WriteTask(tree, "pawsx", "1\n1\n1\n1\n", "1\n0\n1\n1\n");       // 75
  WriteTask(tree, "xnli", "entailment\ncontradiction\n", "entailment\nneutral\n");  // 50
  WriteTask(tree, "tatoeba", "0\n1\n2\n4\n3\n", "0\n1\n2\n3\n4\n");  // 60
  tree.Write("labels/bucc2018/test-de.tsv", "s1\tt1\n");  // gold only: not scored
  const ScoreRun run = Score(tree, "all");
  EXPECT_EQ(run.code, kScoreOk);
  const std::string summary =
      "====== xtreme ======\n\n"
      "------ metric ------\n"
      "pawsx, xnli, tatoeba\n"
      "75.00, 50.00, 60.00\n\n"
      "classification: 62.50\n"
      "tagging: missing udpos, panx\n"
      "qa: missing xquad, mlqa, tydiqa\n"
      "retrieval: missing bucc2018\n"
      "all_task: missing 6 of 9 tasks\n"
      "xtreme: missing 3 of 4 groups\n";
  ASSERT_GE(run.out.size(), summary.size());
  EXPECT_EQ(run.out.substr(run.out.size() - summary.size()), summary);
  const std::string pred = (tree.root() / "pred").string();
  EXPECT_EQ(run.err, "note: task panx not scored: no folder " + pred + "/panx\n" +
                         "note: task udpos not scored: no folder " + pred + "/udpos\n" +
                         "note: task bucc2018 not scored: no folder " + pred + "/bucc2018\n" +
                         "note: task xquad not scored: no folder " + pred + "/xquad\n" +
                         "note: task mlqa not scored: no folder " + pred + "/mlqa\n" +
                         "note: task tydiqa not scored: no folder " + pred + "/tydiqa\n");
}

TEST(ScoreCommand, JsonIsOneObject) {
  TempTree tree;
  WriteTask(tree, "tydiqa", R"({"q1": "paris."})",
            QaGold(R"({"id": "q1", "answers": [{"text": "Paris"}]})"));
  const ScoreRun run = Score(tree, "tydiqa", /*json=*/true);
  EXPECT_EQ(run.code, kScoreOk);
  std::string per_language;
  for (const std::string& lang : Languages("tydiqa")) {
    per_language += (per_language.empty() ? "" : ",") + ("\"" + lang + "\":100.0");
  }
  EXPECT_EQ(run.out, R"({"tasks":{"tydiqa":{"exact_match":{)" + per_language + R"(},"f1":{)" +
                         per_language +
                         R"(},"avg_exact_match":100.0,"avg_f1":100.0,"avg_metric":100.0}}})" +
                         "\n");
}

TEST(ScoreCommand, JsonForAllHasGroupsAndNulls) {
  TempTree tree;
  WriteTask(tree, "pawsx", "1\n1\n1\n1\n", "1\n0\n1\n1\n");  // 75
  WriteTask(tree, "xnli", "entailment\ncontradiction\n", "entailment\nneutral\n");  // 50
  const ScoreRun run = Score(tree, "all", /*json=*/true);
  EXPECT_EQ(run.code, kScoreOk);
  const auto values = [](const std::string& task, const std::string& v) {
    std::string out;
    for (const std::string& lang : Languages(task)) {
      out += (out.empty() ? "" : ",") + ("\"" + lang + "\":" + v);
    }
    return out;
  };
  EXPECT_EQ(run.out,
            R"({"tasks":{"pawsx":{"accuracy":{)" + values("pawsx", "75.0") +
                R"(},"avg_accuracy":75.0,"avg_metric":75.0},"xnli":{"accuracy":{)" +
                values("xnli", "50.0") +
                R"(},"avg_accuracy":50.0,"avg_metric":50.0}},)"
                R"("missing_tasks":["panx","udpos","bucc2018","tatoeba","xquad","mlqa","tydiqa"],)"
                R"("groups":{"classification":62.5,"tagging":null,"qa":null,"retrieval":null},)"
                R"("all_task":null,"xtreme":null})" +
                "\n");
}

// The text block of a udpos run with the same scores in every language.
std::string UdposBlock(const std::string& f1, const std::string& precision,
                       const std::string& recall, const std::string& seqeval) {
  std::string out = "====== udpos ======\n\n";
  for (const auto& [metric, value] :
       {std::pair{"f1", f1}, std::pair{"precision", precision}, std::pair{"recall", recall}}) {
    out += std::string("------ ") + metric + " ------\n" + Join(Languages("udpos")) + "\n" +
           Same("udpos", value) + "\n\n";
  }
  return out + "f1: " + f1 + "\nprecision: " + precision + "\nrecall: " + recall +
         "\nmetric: " + f1 + "\nseqeval: " + seqeval + "\n";
}

// --seqeval picks the release whose tag reading scores udpos (and panx); the output names it.
// Gold CCONJ SCONJ NOUN, predicted SCONJ SCONJ NOUN (worked in tests/eval/seqeval_test.cc,
// SeqevalReleases.PosScoresDiffer): 0.0.12 P = R = F1 = 2/3; 1.2.2 P = 2/3, R = 1, F1 = 4/5.
TEST(ScoreCommand, SeqevalOptionChoosesTheRelease) {
  TempTree tree;
  WriteTask(tree, "udpos", "SCONJ\nSCONJ\nNOUN\n", "CCONJ\nSCONJ\nNOUN\n");
  const ScoreRun old_release = Score(tree, "udpos");
  EXPECT_EQ(old_release.code, kScoreOk);
  EXPECT_EQ(old_release.out, UdposBlock("66.67", "66.67", "66.67", "0.0.12"));
  const ScoreRun new_release = Score(tree, "udpos", /*json=*/false, SeqevalVersion::k1_2_2);
  EXPECT_EQ(new_release.code, kScoreOk);
  EXPECT_EQ(new_release.out, UdposBlock("80.00", "66.67", "100.00", "1.2.2"));
  const std::string json = Score(tree, "udpos", /*json=*/true, SeqevalVersion::k1_2_2).out;
  const std::string json_tail = R"("avg_recall":100.0,"avg_metric":80.0,"seqeval":"1.2.2"}}})"
                                "\n";
  ASSERT_GE(json.size(), json_tail.size());
  EXPECT_EQ(json.substr(json.size() - json_tail.size()), json_tail);
}

// evaluate.py --xtreme_version xtreme ignores XTREME-R task folders; so does --task all, with a
// note. Any other unknown folder is still an error (EveryProblemIsReportedAtOnce).
TEST(ScoreCommand, AllSkipsXtremeRTasksWithANote) {
  TempTree tree;
  WriteTask(tree, "pawsx", "1\n1\n1\n1\n", "1\n0\n1\n1\n");  // 75
  std::string notes;
  for (const std::string task : {"lareqa", "mewslix", "xcopa"}) {  // in the order they are read
    tree.Write("pred/" + task + "/test-en.json", "{}");
    tree.Write("labels/" + task + "/test-en.json", "{}");
    notes += "note: task " + task + " not scored: an XTREME-R task, not one of XTREME's nine (" +
             (tree.root() / "pred" / task).string() + ")\n";
  }
  const ScoreRun run = Score(tree, "all");
  EXPECT_EQ(run.code, kScoreOk) << run.err;
  EXPECT_EQ(run.out.rfind("====== pawsx ======\n", 0), 0u) << run.out;
  EXPECT_EQ(run.err.rfind(notes, 0), 0u) << run.err;
  EXPECT_EQ(run.err.find("error"), std::string::npos) << run.err;

  // Asked for by name, an XTREME-R task is an error that says why.
  const ScoreRun single = Score(tree, "mewslix");
  EXPECT_EQ(single.code, kScoreBadInput);
  EXPECT_EQ(single.err,
            "error: task 'mewslix' is an XTREME-R task, which xstilts score does not score (tasks: "
            "pawsx, xnli, panx, udpos, bucc2018, tatoeba, xquad, mlqa, tydiqa, all)\n");
}

TEST(ScoreCommand, MissingLanguageIsAnError) {
  TempTree tree;
  WriteTask(tree, "xnli", "entailment\n", "entailment\n");
  std::filesystem::remove(tree.root() / "pred/xnli/test-sw.tsv");
  const ScoreRun run = Score(tree, "xnli");
  EXPECT_EQ(run.code, kScoreBadInput);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.err, "error: " + (tree.root() / "pred/xnli/test-sw.tsv").string() +
                         ": missing (xnli needs sw)\n");
}

TEST(ScoreCommand, UnknownTaskSuggestsTheClosest) {
  TempTree tree;
  tree.Write("pred/.keep", "");
  tree.Write("labels/.keep", "");
  const ScoreRun run = Score(tree, "xnl");
  EXPECT_EQ(run.code, kScoreBadInput);
  EXPECT_EQ(run.err,
            "error: unknown task 'xnl'; did you mean 'xnli'? (tasks: pawsx, xnli, panx, udpos, "
            "bucc2018, tatoeba, xquad, mlqa, tydiqa, all)\n");
}

TEST(ScoreCommand, EveryProblemIsReportedAtOnce) {
  TempTree tree;
  WriteTask(tree, "pawsx", "1\n1\n", "1\n0\n");
  WriteTask(tree, "panx", "B-PER\nO\n\nO\n", "B-PER\nO\n\nO\n");
  // pawsx de: one prediction too many; ja: one too few.
  tree.Write("pred/pawsx/test-de.tsv", "1\n1\n0\n");
  tree.Write("pred/pawsx/test-ja.tsv", "1\n");
  // A file for a language pawsx does not have.
  tree.Write("pred/pawsx/test-pt.tsv", "1\n1\n");
  // panx en: the second sentence has 2 tags instead of 1.
  tree.Write("pred/panx/test-en.tsv", "B-PER\nO\n\nO\nO\n");
  // An unknown task folder.
  tree.Write("pred/xnil/test-en.tsv", "x\n");
  const ScoreRun run = Score(tree, "all");
  EXPECT_EQ(run.code, kScoreBadInput);
  EXPECT_EQ(run.out, "");
  const std::string pred = (tree.root() / "pred").string();
  const std::string labels = (tree.root() / "labels").string();
  EXPECT_EQ(
      run.err,
      "error: " + pred + "/xnil: unknown task 'xnil'; did you mean 'xnli'? (tasks: pawsx, xnli, "
      "panx, udpos, bucc2018, tatoeba, xquad, mlqa, tydiqa, all)\n"
      "error: " + pred + "/pawsx/test-pt.tsv: unknown language 'pt' for pawsx (languages: de, "
      "en, es, fr, ja, ko, zh)\n"
      "error: " + pred + "/pawsx/test-de.tsv:3: extra prediction: " + labels +
      "/pawsx/test-de.tsv has only 2 labels\n"
      "error: " + labels + "/pawsx/test-ja.tsv:2: no prediction for this label: " + pred +
      "/pawsx/test-ja.tsv has only 1 predictions\n"
      "error: " + pred + "/panx/test-en.tsv:4: sentence 2 has 2 tags but the gold sentence at " +
      labels + "/panx/test-en.tsv:4 has 1\n");
}

TEST(ScoreCommand, MissingFoldersAreErrors) {
  TempTree tree;
  tree.Write("labels/.keep", "");
  const ScoreRun run = Score(tree, "mlqa");
  EXPECT_EQ(run.code, kScoreBadInput);
  EXPECT_EQ(run.err, "error: " + (tree.root() / "pred").string() +
                         ": predictions folder does not exist\n");
  tree.Write("pred/.keep", "");
  const ScoreRun run2 = Score(tree, "mlqa");
  EXPECT_EQ(run2.err,
            "error: " + (tree.root() / "pred/mlqa").string() +
                ": missing folder (mlqa needs test-<lang>.json for en, es, de, ar, hi, vi, zh)\n"
                "error: " + (tree.root() / "labels/mlqa").string() +
                ": missing folder (mlqa needs test-<lang>.json for en, es, de, ar, hi, vi, zh)\n");
}

TEST(ScoreCommand, MalformedQaJsonNamesFileAndPath) {
  TempTree tree;
  WriteTask(tree, "tydiqa", R"({"q1": "paris"})",
            QaGold(R"({"id": "q1", "answers": [{"text": "Paris"}]})"));
  tree.Write("pred/tydiqa/test-ko.json", R"({"q1": ["paris"]})");
  const ScoreRun run = Score(tree, "tydiqa");
  EXPECT_EQ(run.code, kScoreBadInput);
  EXPECT_EQ(run.err, "error: " + (tree.root() / "pred/tydiqa/test-ko.json").string() +
                         ": $.q1: expected a string answer, found array\n");
}

}  // namespace
}  // namespace xstilts
