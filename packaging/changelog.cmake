# Writes the package's Debian changelog (changelog.gz) for the version the build computed. Run at
# build time (cmake -P) because the version follows the commit.
# In: VERSION_FILE, DATE_FILE (from cmake/version.cmake), MAINTAINER, TEMPLATE, OUTPUT.
file(STRINGS "${VERSION_FILE}" version LIMIT_COUNT 1)
file(STRINGS "${DATE_FILE}" date LIMIT_COUNT 1)
set(maintainer "${MAINTAINER}")
get_filename_component(text "${OUTPUT}" NAME_WLE)
get_filename_component(dir "${OUTPUT}" DIRECTORY)
configure_file("${TEMPLATE}" "${dir}/${text}" @ONLY)
# -n: no name or time stamp in the gzip header, so the same text compresses to the same bytes.
execute_process(COMMAND gzip -9nc "${dir}/${text}" OUTPUT_FILE "${OUTPUT}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "gzip failed on ${dir}/${text}")
endif()
