# LibTorch for the targets that need it, and only for them: model/, nodes/torch/ and the
# xstilts_torch_tests binary link the target xstilts::libtorch. Included from model/, the first
# directory that needs it; the rest of xstilts configures and builds without LibTorch
# (-DXSTILTS_WITH_TORCH=OFF).
find_package(Torch REQUIRED)
# find_package's imported targets are local to this directory; the libraries that use them live
# in others.
foreach(torch_target torch torch_library torch_cpu torch_cpu_library c10)
  if(TARGET ${torch_target})
    set_property(TARGET ${torch_target} PROPERTY IMPORTED_GLOBAL TRUE)
  endif()
endforeach()
add_library(xstilts::libtorch INTERFACE IMPORTED GLOBAL)
set_property(TARGET xstilts::libtorch PROPERTY INTERFACE_LINK_LIBRARIES "${TORCH_LIBRARIES}")
