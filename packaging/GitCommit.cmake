# airbench_git_commit(<commit_var> <time_var>): the abbreviated commit of the source tree's HEAD
# and its commit time (seconds since 1970); both "" when the sources are not a git checkout (a
# release tarball) or git is missing. Computed at configure time, so CMake is told
# to configure again when HEAD or the branch it names moves: a new commit re-stamps the build.
function(airbench_git_commit commit_var time_var)
    set(commit "")
    set(time "")
    find_package(Git QUIET)
    if(GIT_FOUND)
        execute_process(COMMAND ${GIT_EXECUTABLE} log -1 --format=%h%n%ct --abbrev=12
                        WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
                        OUTPUT_VARIABLE out RESULT_VARIABLE rc ERROR_QUIET
                        OUTPUT_STRIP_TRAILING_WHITESPACE)
        if(rc EQUAL 0 AND out MATCHES "^([0-9a-f]+)\n([0-9]+)$")
            set(commit ${CMAKE_MATCH_1})
            set(time ${CMAKE_MATCH_2})
            # HEAD itself (checkouts), the branch's ref (commits) and packed-refs (after gc).
            # Only files that exist: a missing configure dependency would stop Ninja.
            execute_process(COMMAND ${GIT_EXECUTABLE} symbolic-ref -q HEAD
                            WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
                            OUTPUT_VARIABLE ref ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)
            foreach(name HEAD packed-refs ${ref})
                execute_process(COMMAND ${GIT_EXECUTABLE} rev-parse --git-path ${name}
                                WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
                                OUTPUT_VARIABLE path ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)
                get_filename_component(path "${path}" ABSOLUTE BASE_DIR ${PROJECT_SOURCE_DIR})
                if(NOT IS_DIRECTORY "${path}" AND EXISTS "${path}")
                    set_property(DIRECTORY ${PROJECT_SOURCE_DIR} APPEND PROPERTY
                                 CMAKE_CONFIGURE_DEPENDS "${path}")
                endif()
            endforeach()
        endif()
    endif()
    set(${commit_var} "${commit}" PARENT_SCOPE)
    set(${time_var} "${time}" PARENT_SCOPE)
endfunction()
