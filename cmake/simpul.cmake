# simpul_add_library(NAME <name> SRCS ... [PUBLIC_DEPS ...] [PRIVATE_DEPS ...])
# creates target simpul_<name> with alias simpul::<name>. Includes are rooted
# at the repository: #include "hub/message.h".
function(simpul_add_library)
  cmake_parse_arguments(A "" "NAME" "SRCS;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(simpul_${A_NAME} STATIC ${A_SRCS})
  add_library(simpul::${A_NAME} ALIAS simpul_${A_NAME})
  target_include_directories(simpul_${A_NAME} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(simpul_${A_NAME} PUBLIC ${A_PUBLIC_DEPS} PRIVATE ${A_PRIVATE_DEPS})
endfunction()

# simpul_add_test(NAME <name> SRCS ... DEPS ... [LABELS ...])
# one GoogleTest binary, registered test by test with ctest.
function(simpul_add_test)
  cmake_parse_arguments(A "" "NAME" "SRCS;DEPS;LABELS" ${ARGN})
  add_executable(${A_NAME} ${A_SRCS})
  target_link_libraries(${A_NAME} PRIVATE ${A_DEPS} GTest::gtest GTest::gtest_main Threads::Threads)
  target_compile_definitions(${A_NAME} PRIVATE
    SIMPUL_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    SIMPUL_BINARY_DIR="${PROJECT_BINARY_DIR}")
  gtest_discover_tests(${A_NAME} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS "${A_LABELS}")
endfunction()
