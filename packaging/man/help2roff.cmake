# Writes a man page (roff) from a program's own --help, at build time:
#   cmake -DPROGRAM=<binary> -DNAME=<name> -DSUMMARY=<one line> -DVERSION=<v> -DDATE=<YYYY-MM-DD>
#         [-DSEE_ALSO=<"a(1), b(1)">] [-DEXTRA=<roff file appended>] -DOUTPUT=<page.1> -P help2roff.cmake
# It reads the two layouts our programs print: CLI11's (description, "Usage:", "Options:",
# "Positionals:", "Subcommands:", a footer; each subcommand's own --help is read in turn and becomes
# a subsection of COMMANDS) and QCommandLineParser's ("Usage:", description, "Options:"). Entries
# are "  term  description" with wrapped descriptions indented to one column; other sections are
# free text. Not a general help2man: only what our two programs print.

cmake_policy(VERSION 3.22)  # script mode starts with old policies (lists dropping empty items)

foreach(var PROGRAM NAME SUMMARY VERSION DATE OUTPUT)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "help2roff: -D${var}=... is required")
    endif()
endforeach()

# Text to roff: backslashes, and lines that would read as requests.
function(roff_text out text)
    string(REPLACE "\\" "\\e" text "${text}")
    if(text MATCHES "^[.']")
        set(text "\\&${text}")
    endif()
    set(${out} "${text}" PARENT_SCOPE)
endfunction()

# An option term in bold with real minus signs: "--data TEXT" -> \fB\-\-data TEXT\fR.
function(roff_term out text)
    roff_text(text "${text}")
    string(REPLACE "-" "\\-" text "${text}")
    # Long value lists ("{airbench94,airbench95,...}") break after a comma, never at a space.
    string(REPLACE " " "\\ " text "${text}")
    string(REPLACE "," ",\\:" text "${text}")
    set(${out} "\\fB${text}\\fR" PARENT_SCOPE)
endfunction()

# Runs `PROGRAM <args> --help` into <out>; its output, without trailing blank lines. HOME is "~"
# (and XDG_DATA_HOME unset) so that defaults derived from the builder's home read
# "~/.local/share/..." on the page, not "/root/.local/share/...".
function(run_help out)
    execute_process(COMMAND ${CMAKE_COMMAND} -E env --unset=XDG_DATA_HOME --unset=AIRBENCH_DATA
                            --unset=AIRBENCH_HISTORY_DB HOME=~ ${PROGRAM} ${ARGN} --help
                    OUTPUT_VARIABLE text ERROR_VARIABLE error RESULT_VARIABLE rc
                    OUTPUT_STRIP_TRAILING_WHITESPACE)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "help2roff: `${PROGRAM} ${ARGN} --help` failed (${rc}): ${error}")
    endif()
    set(${out} "${text}" PARENT_SCOPE)
endfunction()

# Entry sections list "  term   description" rows; any other section ("PATH may be:" of a footer)
# is free text.
set(entry_sections Options Positionals Subcommands Arguments)

# Splits one entry row into term and description (description "<none>" when it follows on the next
# rows). <column> is where the section's wrapped descriptions start (0: unknown).
function(split_entry term_out desc_out line column)
    string(STRIP "${line}" entry)
    set(term "${entry}")
    set(desc "<none>")
    string(LENGTH "${line}" length)
    if(column GREATER 0 AND length GREATER column)
        # CLI11 pads the term to the column: "  --threads INT=0 CPU threads ..."
        math(EXPR before "${column} - 1")
        string(SUBSTRING "${line}" ${before} 2 edge)
        if(edge MATCHES "^ [^ ]$")
            string(SUBSTRING "${line}" 0 ${column} term)
            string(SUBSTRING "${line}" ${column} -1 desc)
            string(STRIP "${term}" term)
        endif()
    endif()
    if(desc STREQUAL "<none>" AND entry MATCHES "^([^ ].*[^ ])  +([^ ].*)$")
        set(term "${CMAKE_MATCH_1}")
        set(desc "${CMAKE_MATCH_2}")
    elseif(desc STREQUAL "<none>" AND entry MATCHES "^(.* (Excludes|Needs):( -[^ ]+)+) ([^ -].*)$")
        # CLI11 runs a long term into its description: "--dir TEXT Excludes: --name Dataset ..."
        set(term "${CMAKE_MATCH_1}")
        set(desc "${CMAKE_MATCH_4}")
    endif()
    set(${term_out} "${term}" PARENT_SCOPE)
    set(${desc_out} "${desc}" PARENT_SCOPE)
endfunction()

# parse_help's pending entry (`term`, `desc`) appended to its section's roff as a .TP item, then
# cleared. A subcommand's own -h/--help row is left out (the page says it once). A macro: it
# writes roff_<section> and term in parse_help's scope.
macro(flush_entry)
    if(NOT term STREQUAL "")
        if(NOT (term MATCHES "^-h, ?--help$" AND NOT prefix STREQUAL "top"))
            if(desc STREQUAL "<none>")
                set(desc "")
            endif()
            roff_term(t "${term}")
            roff_text(d "${desc}")
            string(APPEND roff_${section} ".TP\n${t}\n${d}\n")
        endif()
        set(term "")
    endif()
endmacro()

# Parses one --help text into variables of the caller's scope: <prefix>_DESCRIPTION,
# <prefix>_USAGE, <prefix>_SUBCOMMANDS, and <prefix>_SECTIONS (titles, in order) with, for
# section i, <prefix>_KIND_<i> ("entries" or "text") and <prefix>_ROFF_<i> (its body as roff;
# --help rows are left out but for <prefix> "top": the page says once that every command has it).
# Semicolons travel as "<semicolon>" (CMake's list separator) until the page is written.
function(parse_help prefix text)
    string(REPLACE ";" "<semicolon>" text "${text}")
    string(REPLACE "\n" ";" lines "${text}")

    # Pass 1: each entry section's wrap column, the smallest indentation deeper than a row's two.
    set(section -1)
    foreach(line IN LISTS lines)
        if(line MATCHES "^([A-Z][A-Za-z ]*):$")
            math(EXPR section "${section} + 1")
            set(column_${section} 0)
        elseif(section GREATER_EQUAL 0 AND line MATCHES "^(   +)[^ ]")
            string(LENGTH "${CMAKE_MATCH_1}" indent)
            if(column_${section} EQUAL 0 OR indent LESS column_${section})
                set(column_${section} ${indent})
            endif()
        endif()
    endforeach()

    # Pass 2: rows to roff. An entry is held in term/desc until the next row shows it complete.
    set(description "")
    set(usage "")
    set(sections "")
    set(subcommands "")
    set(section -1)
    set(kind "")
    set(term "")
    foreach(line IN LISTS lines)
        if(line MATCHES "^Usage: *(.*)$")
            set(usage "${CMAKE_MATCH_1}")
            continue()
        endif()
        set(header OFF)
        if(line MATCHES "^([A-Z][A-Za-z ]*):$")
            set(header ON)
            set(title "${CMAKE_MATCH_1}")
        endif()
        # A finished entry: flush it (before a new row, a header, an unindented line).
        if(header OR line MATCHES "^  ?[^ ]" OR line MATCHES "^[^ ]")
            flush_entry()
        endif()

        if(header)
            math(EXPR section "${section} + 1")
            list(APPEND sections "${title}")
            set(roff_${section} "")
            if(title IN_LIST entry_sections)
                set(kind entries)
            else()
                set(kind text)
            endif()
            set(kind_${section} ${kind})
        elseif(line STREQUAL "")
        elseif(section LESS 0)
            string(APPEND description "${line}\n")
        elseif(kind STREQUAL "entries" AND line MATCHES "^ ")
            set(column ${column_${section}})
            string(REPEAT " " ${column} indent)  # CMake's regex has no {n}
            if(column GREATER 0 AND line MATCHES "^${indent}[^ ]" AND NOT term STREQUAL "")
                string(STRIP "${line}" more)
                if(desc STREQUAL "<none>")
                    set(desc "${more}")
                else()
                    set(desc "${desc} ${more}")
                endif()
            else()
                split_entry(term desc "${line}" ${column})
                if(title STREQUAL "Subcommands")
                    list(APPEND subcommands "${term}")
                endif()
            endif()
        else()
            # Free text (a footer): indented items as bullets, unindented lines as paragraphs,
            # deeper lines continue the item above.
            string(STRIP "${line}" words)
            roff_text(words "${words}")
            if(line MATCHES "^  ?[^ ]")
                string(APPEND roff_${section} ".IP \\(bu 2\n${words}\n")
            elseif(line MATCHES "^[^ ]")
                string(APPEND roff_${section} ".PP\n${words}\n")
            else()
                string(APPEND roff_${section} "${words}\n")
            endif()
        endif()
    endforeach()
    flush_entry()

    string(STRIP "${description}" description)
    set(${prefix}_DESCRIPTION "${description}" PARENT_SCOPE)
    set(${prefix}_USAGE "${usage}" PARENT_SCOPE)
    set(${prefix}_SECTIONS "${sections}" PARENT_SCOPE)
    set(${prefix}_SUBCOMMANDS "${subcommands}" PARENT_SCOPE)
    if(section GREATER_EQUAL 0)
        foreach(i RANGE ${section})
            set(${prefix}_KIND_${i} "${kind_${i}}" PARENT_SCOPE)
            set(${prefix}_ROFF_${i} "${roff_${i}}" PARENT_SCOPE)
        endforeach()
    endif()
endfunction()

# "Usage: build/bin/airbench-workbench [options]" names the binary as it was run: use NAME.
function(roff_usage out usage)
    if(usage MATCHES "^([^ ]+)(.*)$")
        get_filename_component(program "${CMAKE_MATCH_1}" NAME)
        set(usage "${program}${CMAKE_MATCH_2}")
    endif()
    if(usage MATCHES "^([^\\[]*[^\\[ ])(.*)$")
        # The command words in bold, the arguments as printed.
        roff_text(command "${CMAKE_MATCH_1}")
        roff_text(rest "${CMAKE_MATCH_2}")
        set(usage "\\fB${command}\\fR${rest}")
    endif()
    set(${out} "${usage}" PARENT_SCOPE)
endfunction()

# ---- The page.
string(TOUPPER "${NAME}" title)
string(REPLACE "-" "\\-" name_roff "${NAME}")
set(page ".\\\" Generated from `${NAME} --help` by packaging/man/help2roff.cmake: do not edit.\n")
string(APPEND page ".TH ${title} 1 \"${DATE}\" \"${NAME} ${VERSION}\" \"User Commands\"\n")
# Left-aligned, unhyphenated: option terms are long unbreakable words; justifying lines around
# them only stretches spaces (and makes man warn).
string(APPEND page ".ad l\n.nh\n")
string(APPEND page ".SH NAME\n${name_roff} \\- ${SUMMARY}\n")

run_help(help)
parse_help(top "${help}")
roff_usage(usage "${top_USAGE}")
string(APPEND page ".SH SYNOPSIS\n${usage}\n")
if(top_DESCRIPTION)
    roff_text(description "${top_DESCRIPTION}")
    string(APPEND page ".SH DESCRIPTION\n${description}\n")
endif()

list(LENGTH top_SECTIONS count)
if(count GREATER 0)
    math(EXPR last "${count} - 1")
    foreach(i RANGE ${last})
        list(GET top_SECTIONS ${i} section)
        if(section STREQUAL "Subcommands")
            continue()  # COMMANDS below, one subsection per command
        endif()
        string(TOUPPER "${section}" section)
        string(APPEND page ".SH \"${section}\"\n${top_ROFF_${i}}")
    endforeach()
endif()

# Subcommands, depth first: "data" then "data info", each with its own --help.
if(top_SUBCOMMANDS)
    string(APPEND page ".SH COMMANDS\nEvery command takes \\fB\\-h\\fR, \\fB\\-\\-help\\fR.\n")
    set(queue ${top_SUBCOMMANDS})
    while(queue)
        list(POP_FRONT queue path)
        string(REPLACE " " ";" args "${path}")
        run_help(help ${args})
        parse_help(sub "${help}")
        roff_usage(usage "${sub_USAGE}")
        roff_text(description "${sub_DESCRIPTION}")
        string(APPEND page ".SS \"${NAME} ${path}\"\n${description}\n.PP\n${usage}\n")
        list(LENGTH sub_SECTIONS count)
        math(EXPR last "${count} - 1")
        set(children "")
        foreach(i RANGE ${last})
            list(GET sub_SECTIONS ${i} section)
            if(section STREQUAL "Subcommands")
                foreach(child IN LISTS sub_SUBCOMMANDS)
                    list(APPEND children "${path} ${child}")
                endforeach()
            elseif(sub_KIND_${i} STREQUAL "text")
                roff_text(section "${section}")
                string(APPEND page ".PP\n\\fB${section}:\\fR\n${sub_ROFF_${i}}")
            else()
                string(APPEND page "${sub_ROFF_${i}}")
            endif()
        endforeach()
        list(PREPEND queue ${children})
    endwhile()
endif()

if(EXTRA AND EXISTS "${EXTRA}")
    file(READ "${EXTRA}" extra)
    string(APPEND page "${extra}")
endif()
if(SEE_ALSO)
    string(REPLACE "-" "\\-" see_also "${SEE_ALSO}")
    string(APPEND page ".SH \"SEE ALSO\"\n${see_also}\n")
endif()
string(REPLACE "<semicolon>" ";" page "${page}")
file(WRITE "${OUTPUT}" "${page}")
