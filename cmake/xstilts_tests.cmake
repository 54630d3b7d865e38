# One GoogleTest binary, `xstilts_tests`, holds every unit and integration test. Each area adds
# its own test files with xstilts_add_tests(SOURCES ... LIBS ...), next to the code they test.
if(XSTILTS_BUILD_TESTS)
  enable_testing()
  find_package(GTest REQUIRED)
  include(GoogleTest)
  add_executable(xstilts_tests)
  # -fPIC, not only PIE: see the comment on CMAKE_POSITION_INDEPENDENT_CODE.
  target_compile_options(xstilts_tests PRIVATE -fPIC)
  target_link_libraries(xstilts_tests PRIVATE GTest::gtest GTest::gtest_main xstilts_warnings)
  target_include_directories(xstilts_tests PRIVATE ${PROJECT_SOURCE_DIR})
  target_compile_definitions(xstilts_tests PRIVATE
    XSTILTS_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    XSTILTS_BINARY_DIR="${PROJECT_BINARY_DIR}")
endif()

function(xstilts_add_tests)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  if(XSTILTS_BUILD_TESTS)
    target_sources(xstilts_tests PRIVATE ${ARG_SOURCES})
    target_link_libraries(xstilts_tests PRIVATE ${ARG_LIBS})
  endif()
endfunction()

# Called once from the top-level CMakeLists.txt, after every area has added its tests.
# Integration tests find the CLI through XSTILTS_BIN.
function(xstilts_finish_tests)
  if(XSTILTS_BUILD_TESTS)
    add_dependencies(xstilts_tests xstilts)
    target_compile_definitions(xstilts_tests PRIVATE XSTILTS_BIN="$<TARGET_FILE:xstilts>")
    gtest_discover_tests(xstilts_tests DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 300)
  endif()
endfunction()
