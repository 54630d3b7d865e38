# Sanitizer and fuzzing builds, each in a build folder of its own (Makefile: check-sanitize, fuzz).
#
# - XSTILTS_SANITIZE=address,undefined or thread instruments every target. These builds are
#   LibTorch-free: LibTorch is not instrumented, and without it the sentencepiece module needs no
#   RTLD_DEEPBIND (which ASan and TSan refuse; tokenizer/spm_module.cc).
# - XSTILTS_FUZZ adds libFuzzer's coverage to every target (clang only) and the targets in
#   tests/fuzz.
if(XSTILTS_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "XSTILTS_FUZZ needs clang: CC=clang CXX=clang++ cmake ... (make fuzz does this)")
  endif()
  if(NOT XSTILTS_SANITIZE)
    set(XSTILTS_SANITIZE "address,undefined")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
if(XSTILTS_SANITIZE)
  if(XSTILTS_WITH_TORCH)
    message(FATAL_ERROR "sanitizer builds are LibTorch-free: add -DXSTILTS_WITH_TORCH=OFF")
  endif()
  # -O1 -g1: stack traces with lines at a fraction of the compile time of -O2 -g (2 cores in CI).
  add_compile_options(-fsanitize=${XSTILTS_SANITIZE} -fno-omit-frame-pointer -O1 -g1)
  add_link_options(-fsanitize=${XSTILTS_SANITIZE})
  if(XSTILTS_SANITIZE MATCHES "undefined")
    # A UBSan report fails the test instead of scrolling past.
    add_compile_options(-fno-sanitize-recover=undefined)
    add_link_options(-fno-sanitize-recover=undefined)
  endif()
endif()

# oneTBB 2021.8's flow graph trips UBSan's vptr check inside TBB (a static_cast in a destructor),
# in every file that instantiates it: only graph/executor.cc does.
function(xstilts_tbb_flow_graph_source source)
  if(XSTILTS_SANITIZE MATCHES "undefined")
    set_source_files_properties(${source} PROPERTIES COMPILE_OPTIONS "-fno-sanitize=vptr")
  endif()
endfunction()
