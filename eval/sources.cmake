# xstilts_eval: XTREME metrics and `xstilts score`. Pure C++17 (no Torch, no HDF5).
add_library(xstilts_eval STATIC
  ${CMAKE_CURRENT_LIST_DIR}/unicode.cc
  ${CMAKE_CURRENT_LIST_DIR}/unicode_tables.cc
  ${CMAKE_CURRENT_LIST_DIR}/text_lines.cc
  ${CMAKE_CURRENT_LIST_DIR}/metrics_accuracy.cc
  ${CMAKE_CURRENT_LIST_DIR}/metrics_seqeval.cc
  ${CMAKE_CURRENT_LIST_DIR}/metrics_qa.cc
  ${CMAKE_CURRENT_LIST_DIR}/metrics_bucc.cc
  ${CMAKE_CURRENT_LIST_DIR}/score_tasks.cc
  ${CMAKE_CURRENT_LIST_DIR}/score_files.cc
  ${CMAKE_CURRENT_LIST_DIR}/score_task.cc
  ${CMAKE_CURRENT_LIST_DIR}/score_report.cc
  ${CMAKE_CURRENT_LIST_DIR}/score_command.cc
)
target_include_directories(xstilts_eval PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(xstilts_eval
  PUBLIC xstilts_graph
  PRIVATE nlohmann_json::nlohmann_json xstilts_warnings)

xstilts_add_tests(
  SOURCES
    ${PROJECT_SOURCE_DIR}/tests/eval/unicode_test.cc
    ${PROJECT_SOURCE_DIR}/tests/eval/seqeval_test.cc
    ${PROJECT_SOURCE_DIR}/tests/eval/qa_metrics_test.cc
    ${PROJECT_SOURCE_DIR}/tests/eval/bucc_test.cc
    ${PROJECT_SOURCE_DIR}/tests/eval/accuracy_test.cc
    ${PROJECT_SOURCE_DIR}/tests/eval/score_files_test.cc
    ${PROJECT_SOURCE_DIR}/tests/eval/score_command_test.cc
    ${PROJECT_SOURCE_DIR}/tests/eval/real_data_test.cc
  LIBS xstilts_eval)
