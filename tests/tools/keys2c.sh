#!/bin/sh
# keys2c.sh NAME < file.keys > file.c: turns a key map file into a C string
# constant, so the default key map is compiled in from its one source file.
name=$1
echo "/* Generated from a key map file by tests/tools/keys2c.sh; do not edit. */"
echo "const char ${name}[] ="
sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/	"/' -e 's/$/\\n"/'
echo "	\"\";"
