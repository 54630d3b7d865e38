#include "eval/score_tasks.h"

#include <algorithm>
#include <sstream>

#include "base/closest_match.h"

namespace xstilts {
namespace {

std::vector<std::string> SplitCommas(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) out.push_back(item);
  return out;
}

}  // namespace

std::vector<std::string> TaskInfo::metric_names() const {
  switch (metric) {
    case TaskMetric::kAccuracy:
      return {"accuracy"};
    case TaskMetric::kSeqevalF1:
    case TaskMetric::kBuccF1:
      return {"f1", "precision", "recall"};
    case TaskMetric::kSquad:
    case TaskMetric::kMlqa:
      return {"exact_match", "f1"};
  }
  return {};
}

std::string TaskInfo::extension() const { return format == TaskFormat::kQa ? "json" : "tsv"; }

const std::vector<TaskInfo>& XtremeTasks() {
  static const std::vector<TaskInfo> kTasks = {
      {"pawsx", "classification", TaskFormat::kLabels, TaskMetric::kAccuracy,
       SplitCommas("de,en,es,fr,ja,ko,zh")},
      {"xnli", "classification", TaskFormat::kLabels, TaskMetric::kAccuracy,
       SplitCommas("ar,bg,de,el,en,es,fr,hi,ru,sw,th,tr,ur,vi,zh")},
      {"panx", "tagging", TaskFormat::kTags, TaskMetric::kSeqevalF1,
       SplitCommas("ar,he,vi,id,jv,ms,tl,eu,ml,ta,te,af,nl,en,de,el,bn,hi,mr,ur,fa,fr,it,pt,es,bg,"
                   "ru,ja,ka,ko,th,sw,yo,my,zh,kk,tr,et,fi,hu")},
      {"udpos", "tagging", TaskFormat::kTags, TaskMetric::kSeqevalF1,
       SplitCommas("af,ar,bg,de,el,en,es,et,eu,fa,fi,fr,he,hi,hu,id,it,ja,kk,ko,mr,nl,pt,ru,ta,te,"
                   "th,tl,tr,ur,vi,yo,zh")},
      {"bucc2018", "retrieval", TaskFormat::kPairs, TaskMetric::kBuccF1,
       SplitCommas("de,fr,ru,zh")},
      {"tatoeba", "retrieval", TaskFormat::kIndices, TaskMetric::kAccuracy,
       SplitCommas("ar,he,vi,id,jv,tl,eu,ml,ta,te,af,nl,de,el,bn,hi,mr,ur,fa,fr,it,pt,es,bg,ru,ja,"
                   "ka,ko,th,sw,zh,kk,tr,et,fi,hu")},
      {"xquad", "qa", TaskFormat::kQa, TaskMetric::kSquad,
       SplitCommas("en,es,de,el,ru,tr,ar,vi,th,zh,hi")},
      {"mlqa", "qa", TaskFormat::kQa, TaskMetric::kMlqa, SplitCommas("en,es,de,ar,hi,vi,zh")},
      {"tydiqa", "qa", TaskFormat::kQa, TaskMetric::kSquad,
       SplitCommas("en,ar,bn,fi,id,ko,ru,sw,te")},
  };
  return kTasks;
}

const TaskInfo* FindTask(const std::string& name) {
  for (const TaskInfo& task : XtremeTasks()) {
    if (task.name == name) return &task;
  }
  return nullptr;
}

const std::vector<TaskGroup>& XtremeGroups() {
  static const std::vector<TaskGroup> kGroups = {
      {"classification", {"pawsx", "xnli"}},
      {"tagging", {"udpos", "panx"}},
      {"qa", {"xquad", "mlqa", "tydiqa"}},
      {"retrieval", {"bucc2018", "tatoeba"}},
  };
  return kGroups;
}

bool IsXtremeROnlyTask(const std::string& name) {
  return name == "xcopa" || name == "lareqa" || name == "mewslix";
}

std::string SuggestTask(const std::string& name) {
  std::vector<std::string> names;
  for (const TaskInfo& task : XtremeTasks()) names.push_back(task.name);
  names.push_back("all");
  return ClosestMatch(name, names, 2);
}

}  // namespace xstilts
