# cmake -DCOMMAND=<program|arg|...> -DEXPECTED=<file> -P WrtCheckOutput.cmake
# Runs COMMAND (its words separated by '|') and fails unless it exits with 0 and its output
# (stdout and stderr) contains a match for every non-empty line of EXPECTED, each read as a
# regular expression.
string(REPLACE "|" ";" command "${COMMAND}")
execute_process(COMMAND ${command} OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
message("${out}")
if(NOT err STREQUAL "")
  message("${err}")
endif()
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${command} exited with ${rc}")
endif()
file(STRINGS "${EXPECTED}" patterns)
foreach(pattern IN LISTS patterns)
  if(NOT pattern STREQUAL "" AND NOT "${out}${err}" MATCHES "${pattern}")
    message(FATAL_ERROR "the output has no line matching: ${pattern}")
  endif()
endforeach()
