#!/usr/bin/env bash
# Fails when a C++ file of the project is not formatted as .clang-format says (`make format`
# fixes it). Run by ctest as format_check.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files 'src/*.cc' 'src/*.h' 'tests/*.cc' 'tests/*.h' 'bench/*.cc' 'bench/*.h')
clang-format --dry-run -Werror "${files[@]}"
echo "format: ${#files[@]} files formatted as .clang-format says"
