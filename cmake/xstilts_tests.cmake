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
    # The Slurm executor's tests share one test cluster on 127.0.0.1, a fixture that
    # scripts/slurm-cluster.sh starts before them (after stopping one an aborted run left in the
    # same folder) and stops after them; they take turns (RESOURCE_LOCK), since each reads the
    # whole queue. The folder is short (slurmd's unix sockets live in it) and one per build tree.
    string(SHA1 build_hash "${PROJECT_BINARY_DIR}")
    string(SUBSTRING "${build_hash}" 0 10 build_hash)
    set(slurm_dir "/tmp/xstilts-slurm-${build_hash}")
    set(slurm_script "${PROJECT_SOURCE_DIR}/scripts/slurm-cluster.sh")
    add_test(NAME slurm_cluster_start
             COMMAND sh -c "'${slurm_script}' stop '${slurm_dir}'; exec '${slurm_script}' start '${slurm_dir}'")
    set_tests_properties(slurm_cluster_start PROPERTIES FIXTURES_SETUP slurm_cluster SKIP_RETURN_CODE 77 TIMEOUT 120)
    add_test(NAME slurm_cluster_stop COMMAND "${slurm_script}" stop "${slurm_dir}")
    set_tests_properties(slurm_cluster_stop PROPERTIES FIXTURES_CLEANUP slurm_cluster TIMEOUT 120)
    set(slurm_tests "SlurmExecutor.*:SlurmRequeue.*")
    foreach(target ${targets})
      add_dependencies(${target} xstilts)
      target_compile_definitions(${target} PRIVATE XSTILTS_BIN="$<TARGET_FILE:xstilts>")
      gtest_discover_tests(${target} TEST_FILTER "-${slurm_tests}" DISCOVERY_TIMEOUT 120 PROPERTIES TIMEOUT 300)
      gtest_discover_tests(${target} TEST_FILTER "${slurm_tests}" DISCOVERY_TIMEOUT 120
                           PROPERTIES TIMEOUT 300 FIXTURES_REQUIRED slurm_cluster RESOURCE_LOCK slurm_cluster
                                      ENVIRONMENT "XSTILTS_TEST_SLURM_DIR=${slurm_dir}")
    endforeach()
  endif()
endfunction()
