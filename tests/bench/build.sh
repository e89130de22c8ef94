#!/usr/bin/env bash
# Builds tests/bench/bench_tool against the library objects of the release
# build (make all first), the way the Makefile links the unit tests.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
b=${BUILD:-build/rel}
objs=$(find "$b/src" -name '*.o' ! -path "$b/src/main.o" | sort)
pk=$(pkg-config --cflags --libs ncursesw libvirt libcurl json-c libxml-2.0 yaml-0.1)
mkdir -p "$b/bench"
cc -O2 -g -std=c11 -Wall -Wextra -Wshadow -Wno-unused-parameter -D_GNU_SOURCE -Iinclude \
  -c -o "$b/bench/bench_tool.o" tests/bench/bench_tool.c
# shellcheck disable=SC2086
g++ -o "$b/bench/bench_tool" "$b/bench/bench_tool.o" $objs $pk -lrbd -lrados -lpthread -lm
echo "$top/$b/bench/bench_tool"
