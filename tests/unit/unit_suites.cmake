# Read by ctest (TEST_INCLUDE_FILES), after the build: one ctest entry per googletest suite of
# UNIT_TESTS, run as `unit_tests --gtest_filter=Suite.*`. Each entry is a process, and under the
# sanitizers a process takes half a second to start: one entry per test (740 of them) spent six
# minutes of CI starting processes. A failing entry still names its failing tests in its output.
execute_process(COMMAND "${UNIT_TESTS}" --gtest_list_tests
                OUTPUT_VARIABLE listing RESULT_VARIABLE listed ERROR_VARIABLE errors)
if(NOT listed EQUAL 0)
  # Still one entry, so ctest reports the broken binary instead of silently running nothing.
  add_test(unit_tests_list "${UNIT_TESTS}" --gtest_list_tests)
  set_tests_properties(unit_tests_list PROPERTIES LABELS unit)
  return()
endif()
string(REPLACE "\n" ";" lines "${listing}")
foreach(line IN LISTS lines)
  # Suite lines start in the first column and end in "." (typed suites add "  # TypeParam...").
  if(line MATCHES "^([A-Za-z0-9_/]+)\\.")
    set(suite "${CMAKE_MATCH_1}")
    add_test("${suite}" "${UNIT_TESTS}" "--gtest_filter=${suite}.*" --gtest_brief=1)
    set_tests_properties("${suite}" PROPERTIES LABELS unit WORKING_DIRECTORY "${WORKING_DIRECTORY}")
  endif()
endforeach()
