# SPDX-License-Identifier: MIT
# Helpers that register tests so that CTest's summary shows what did not run.
#
# Tests that need the reference data in ../shared/data, or a tool that is
# not installed, are reported by CTest as "Skipped" (exit code 77, the
# tests' SKIP_RETURN_CODE) instead of passing silently. See tests/README.md.

# The reference data sets live beside the checkout and are never copied in.
get_filename_component(LOY_SHARED_DATA "${PROJECT_SOURCE_DIR}/../shared/data" ABSOLUTE)
set(LOY_TEST_SKIP_CODE 77)

# loy_add_cmocka_test(<name> <target> <source>)
#   Registers the cmocka suite <target> built from <source>. A suite whose
#   test list has loy_data_test() entries (tests/testutil.h) becomes two
#   tests: <name> runs the tests that need no reference data (--no-data) and
#   <name>_data the data tests (--data, labelled "data", skipped when the
#   data are absent).
function(loy_add_cmocka_test name target source)
  file(READ "${source}" _text)
  string(FIND "${_text}" "loy_data_test" _has_data)
  if(_has_data EQUAL -1)
    add_test(NAME ${name} COMMAND ${target})
    set_tests_properties(${name} PROPERTIES LABELS "unit")
    return()
  endif()
  string(FIND "${_text}" "loy_run_tests(" _has_runner)
  if(_has_runner EQUAL -1)
    message(FATAL_ERROR "${source} lists loy_data_test() entries: end its main "
                        "with `return loy_run_tests(tests);` (tests/testutil.h)")
  endif()
  add_test(NAME ${name} COMMAND ${target} --no-data)
  add_test(NAME ${name}_data COMMAND ${target} --data)
  set_tests_properties(${name} PROPERTIES LABELS "unit")
  set_tests_properties(${name}_data PROPERTIES LABELS "unit;data"
    SKIP_RETURN_CODE ${LOY_TEST_SKIP_CODE})
endfunction()

# loy_add_data_test(<name> <command> [<arg>...])
#   A test (a script, a Python or R suite...) that reads ../shared/data:
#   skipped when the folder is absent; LOY_SHARED_DATA_DIR names the folder
#   in its environment. A command that finds the folder but misses a file
#   may exit 77 itself to report the skip.
function(loy_add_data_test name)
  add_test(NAME ${name}
    COMMAND sh "${PROJECT_SOURCE_DIR}/tests/with-data.sh" "${LOY_SHARED_DATA}" ${ARGN})
  set_tests_properties(${name} PROPERTIES LABELS "data"
    SKIP_RETURN_CODE ${LOY_TEST_SKIP_CODE}
    ENVIRONMENT "LOY_SHARED_DATA_DIR=${LOY_SHARED_DATA}")
endfunction()

# loy_add_skipped_test(<name> <reason>)
#   Stands in for a test whose tool is missing (found at configure time),
#   so that the summary lists it as skipped with the reason in its output.
function(loy_add_skipped_test name reason)
  add_test(NAME ${name}
    COMMAND sh -c "echo \"skipped: $1\"; exit ${LOY_TEST_SKIP_CODE}" sh "${reason}")
  set_tests_properties(${name} PROPERTIES SKIP_RETURN_CODE ${LOY_TEST_SKIP_CODE})
endfunction()
