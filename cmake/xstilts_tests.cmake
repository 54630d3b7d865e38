# Two GoogleTest binaries: `xstilts_tests` holds every test that does not need LibTorch, and
# `xstilts_torch_tests` those that do (built only with XSTILTS_WITH_TORCH). ctest runs each test in its own process, and loading
# LibTorch costs about half a second per process, so keeping it out of the first binary keeps the
# suite fast. Areas add their tests with xstilts_add_tests(SOURCES ... LIBS ... [TORCH]).
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
  if(XSTILTS_WITH_TORCH)
    target_compile_definitions(xstilts_tests PRIVATE XSTILTS_HAS_TORCH_MODULE=1)
  endif()

  if(XSTILTS_WITH_TORCH)
    add_executable(xstilts_torch_tests)
    target_compile_options(xstilts_torch_tests PRIVATE -fPIC)
    # xstilts::libtorch comes from cmake/libtorch.cmake, included by model/.
    target_link_libraries(xstilts_torch_tests PRIVATE GTest::gtest GTest::gtest_main xstilts_warnings xstilts::libtorch)
    target_include_directories(xstilts_torch_tests PRIVATE ${PROJECT_SOURCE_DIR})
    target_compile_definitions(xstilts_torch_tests PRIVATE
      XSTILTS_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
      XSTILTS_BINARY_DIR="${PROJECT_BINARY_DIR}")
  endif()
endif()

function(xstilts_add_tests)
  cmake_parse_arguments(ARG "TORCH" "" "SOURCES;LIBS" ${ARGN})
  if(XSTILTS_BUILD_TESTS)
    set(target xstilts_tests)
    if(ARG_TORCH)
      if(NOT XSTILTS_WITH_TORCH)
        return()
      endif()
      set(target xstilts_torch_tests)
    endif()
    target_sources(${target} PRIVATE ${ARG_SOURCES})
    target_link_libraries(${target} PRIVATE ${ARG_LIBS})
  endif()
endfunction()

# Called once from the top-level CMakeLists.txt, after every area has added its tests.
# Integration tests find the CLI through XSTILTS_BIN.
function(xstilts_finish_tests)
  if(XSTILTS_BUILD_TESTS)
    set(targets xstilts_tests)
    if(XSTILTS_WITH_TORCH)
      list(APPEND targets xstilts_torch_tests)
    endif()
    foreach(target ${targets})
      add_dependencies(${target} xstilts)
      target_compile_definitions(${target} PRIVATE XSTILTS_BIN="$<TARGET_FILE:xstilts>")
      gtest_discover_tests(${target} DISCOVERY_TIMEOUT 120 PROPERTIES TIMEOUT 300)
    endforeach()
  endif()
endfunction()
