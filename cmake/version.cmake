# Computes the riskatlas version and writes it where the build needs it. Run at every build
# (cmake -P), because a commit changes the version without re-running CMake; configure_file rewrites
# an output only when its text changes, so nothing recompiles when the version is the same.
#
# In:  SOURCE_DIR, OUTPUT_DIR, BASE_VERSION (project(VERSION)).
# Out: OUTPUT_DIR/version.cc (riskatlas::version()), OUTPUT_DIR/version.txt (for CPack),
#      OUTPUT_DIR/version-date.txt (the commit's date, RFC 2822, for the package changelog).
#
# The version is BASE_VERSION on a clean checkout of the tag vBASE_VERSION or outside git, and
# BASE_VERSION+git<N>.g<commit>[.dirty] otherwise, N counting commits since the newest v* tag (or
# since the start): a valid Debian version that grows from commit to commit on one branch.
set(version "${BASE_VERSION}")
string(TIMESTAMP date "%a, %d %b %Y %H:%M:%S +0000" UTC)
find_program(GIT_EXECUTABLE git)
if(GIT_EXECUTABLE AND EXISTS "${SOURCE_DIR}/.git")
  execute_process(COMMAND "${GIT_EXECUTABLE}" -C "${SOURCE_DIR}" describe --tags --long --dirty --always
                          --match "v[0-9]*"
                  OUTPUT_VARIABLE described RESULT_VARIABLE described_rc
                  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(described_rc EQUAL 0)
    set(dirty "")
    if(described MATCHES "-dirty$")
      set(dirty ".dirty")
      string(REGEX REPLACE "-dirty$" "" described "${described}")
    endif()
    if(described MATCHES "^(v[0-9][^-]*)-([0-9]+)-g([0-9a-f]+)$")
      set(tag "${CMAKE_MATCH_1}")
      set(count "${CMAKE_MATCH_2}")
      set(commit "${CMAKE_MATCH_3}")
    else()
      # No v* tag: `describe --always` printed the abbreviated commit only.
      set(tag "")
      set(commit "${described}")
      execute_process(COMMAND "${GIT_EXECUTABLE}" -C "${SOURCE_DIR}" rev-list --count HEAD
                      OUTPUT_VARIABLE count OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    endif()
    if(NOT (tag STREQUAL "v${BASE_VERSION}" AND count EQUAL 0 AND dirty STREQUAL ""))
      set(version "${BASE_VERSION}+git${count}.g${commit}${dirty}")
    endif()
    execute_process(COMMAND "${GIT_EXECUTABLE}" -C "${SOURCE_DIR}" log -1 --format=%aD
                    OUTPUT_VARIABLE commit_date OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    if(commit_date)
      set(date "${commit_date}")
    endif()
  endif()
endif()

configure_file("${CMAKE_CURRENT_LIST_DIR}/version.cc.in" "${OUTPUT_DIR}/version.cc" @ONLY)
file(CONFIGURE OUTPUT "${OUTPUT_DIR}/version.txt" CONTENT "${version}\n")
file(CONFIGURE OUTPUT "${OUTPUT_DIR}/version-date.txt" CONTENT "${date}\n")
