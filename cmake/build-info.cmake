# Writes build_info.hpp (the source commit, for package provenance) at every build, touching it
# only when the commit changed. Run with -DSOURCE_DIR=... -DOUT=...
execute_process(COMMAND git -C ${SOURCE_DIR} rev-parse HEAD OUTPUT_VARIABLE commit
                OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE failed)
if(failed OR commit STREQUAL "")
  set(commit "unknown")
endif()
execute_process(COMMAND git -C ${SOURCE_DIR} status --porcelain --untracked-files=no OUTPUT_VARIABLE dirty
                ERROR_QUIET)
if(NOT dirty STREQUAL "")
  string(APPEND commit "-dirty")
endif()
set(content "#pragma once\n#define RM_COMMIT \"${commit}\"\n")
if(EXISTS ${OUT})
  file(READ ${OUT} old)
endif()
if(NOT old STREQUAL content)
  file(WRITE ${OUT} "${content}")
endif()
