#!/bin/sh
# keys2c.sh NAME < file.keys > file.c: turns a key map file into a C array
# of its lines (NULL-terminated), so the default key map is compiled in
# from its one source file.  One string literal per line: C11 compilers
# need only take literals of 4095 characters, a key map is longer.
name=$1
echo "/* Generated from a key map file by tests/tools/keys2c.sh; do not edit. */"
echo "#include <stddef.h>"
echo "const char *const ${name}[] = {"
sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/	"/' -e 's/$/\\n",/'
echo "	NULL,"
echo "};"
