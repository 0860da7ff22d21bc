# ccache as the compiler launcher when it is installed (the main build and fuzz/).
# Paths are hashed relative to this checkout, so a fresh clone elsewhere (CI, a
# worktree) reuses what any other checkout compiled.
get_filename_component(TGMUX_CHECKOUT ${CMAKE_CURRENT_LIST_DIR}/.. ABSOLUTE)
find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM)
  set(TGMUX_CCACHE env CCACHE_BASEDIR=${TGMUX_CHECKOUT} CCACHE_NOHASHDIR=true ${CCACHE_PROGRAM})
  set(CMAKE_CXX_COMPILER_LAUNCHER ${TGMUX_CCACHE})
  set(CMAKE_C_COMPILER_LAUNCHER ${TGMUX_CCACHE})
endif()
