# cmake -DTARGET_DIR=<cargo target dir> -DHEADER=<include/wrt.h> -P WrtHeaderCheck.cmake
# Fails if the committed header differs from the newest header cbindgen generated in a release
# build of wrt-capi (OUT_DIR/wrt.h).
file(GLOB generated "${TARGET_DIR}/release/build/wrt-capi-*/out/wrt.h")
if(NOT generated)
  message(FATAL_ERROR "no generated header under ${TARGET_DIR}/release/build: build first")
endif()
set(newest "")
set(newest_time "")
foreach(candidate IN LISTS generated)
  file(TIMESTAMP "${candidate}" time "%Y%m%d%H%M%S")
  if(newest STREQUAL "" OR time STRGREATER newest_time)
    set(newest "${candidate}")
    set(newest_time "${time}")
  endif()
endforeach()
execute_process(COMMAND "${CMAKE_COMMAND}" -E compare_files "${newest}" "${HEADER}"
                RESULT_VARIABLE different)
if(different)
  message(FATAL_ERROR "${HEADER} differs from the generated ${newest}: refresh it with "
                      "WRT_UPDATE_HEADER=1 cargo test -p wrt-capi --test header, and commit it")
endif()
message(STATUS "include/wrt.h matches ${newest}")
