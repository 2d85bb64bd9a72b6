# wrt_native_static_libs(<var>): the system libraries a Rust static library needs on this
# platform, as rustc reports them (`--print native-static-libs`), for linking libwrt.a.
function(wrt_native_static_libs out_var)
  set(probe_dir "${CMAKE_BINARY_DIR}/wrt-native-libs-probe")
  file(MAKE_DIRECTORY "${probe_dir}")
  file(WRITE "${probe_dir}/probe.rs" "pub fn probe() {}\n")
  execute_process(
    COMMAND "${WRT_RUSTC}" --crate-type staticlib --crate-name wrt_probe
            --print native-static-libs -o "${probe_dir}/libwrt_probe.a" "${probe_dir}/probe.rs"
    RESULT_VARIABLE result
    OUTPUT_VARIABLE output
    ERROR_VARIABLE output)
  set(libs "")
  if(result EQUAL 0 AND output MATCHES "native-static-libs: ([^\r\n]*)")
    separate_arguments(flags NATIVE_COMMAND "${CMAKE_MATCH_1}")
    foreach(flag IN LISTS flags)
      if(flag MATCHES "^-l(.+)$")
        if(NOT CMAKE_MATCH_1 STREQUAL "c")
          list(APPEND libs "${CMAKE_MATCH_1}")
        endif()
      elseif(flag MATCHES "\\.lib$")
        list(APPEND libs "${flag}")
      endif()
    endforeach()
    list(REMOVE_DUPLICATES libs)
  elseif(UNIX)
    set(libs pthread dl m)
  endif()
  set(${out_var} "${libs}" PARENT_SCOPE)
endfunction()
