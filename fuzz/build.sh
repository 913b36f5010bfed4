#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/*_fuzz.cc) with clang, AddressSanitizer and
# UndefinedBehaviorSanitizer into build-fuzz/ (or $KAM_FUZZ_OUT). Each target compiles only the
# project sources it needs (listed below); objects are shared between targets and rebuilt only
# when a source or a header it includes changed.
#   fuzz/build.sh            all targets
#   fuzz/build.sh rule_fuzz  one target
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${KAM_FUZZ_OUT:-$root/build-fuzz}"
cxx="${KAM_FUZZ_CXX:-clang++}"
mkdir -p "$out/obj"

# The project sources each target needs (under src/, or fuzz/ for stand-ins), and the
# pkg-config modules they use.
declare -A SOURCES=(
  [csv_fuzz]="common/csv.cc common/text_encoding.cc common/result.cc"
  [json_body_fuzz]="http/message.cc common/result.cc"
  [rule_fuzz]="engine/rule_parse.cc engine/rule_compile.cc engine/alert_schema.cc
               domain/entity_spec.cc domain/roles.cc common/result.cc"
  [chunk_fuzz]="engine/chunk_codec.cc engine/usage_frame.cc domain/usage_fields.cc common/result.cc"
  [cursor_fuzz]="services/core/cursor.cc common/result.cc"
  [usage_import_fuzz]="engine/usage_import.cc engine/member_directory.cc engine/usage_frame.cc
                       domain/usage_fields.cc common/csv.cc common/text_encoding.cc
                       common/clock.cc common/result.cc fuzz/store_stub.cc"
  [cdr_import_fuzz]="engine/cdr_import.cc engine/cdr_aggregate.cc engine/member_directory.cc
                     domain/care_rules.cc domain/usage_fields.cc common/csv.cc
                     common/text_encoding.cc common/clock.cc common/result.cc fuzz/store_stub.cc"
  # Not a fuzz target: writes the chunk and cursor seeds (see make_seeds.cc).
  [make_seeds]="engine/chunk_codec.cc engine/usage_frame.cc domain/usage_fields.cc
                services/core/cursor.cc common/result.cc"
)
declare -A PKGS=(
  [csv_fuzz]=""
  [json_body_fuzz]="nlohmann_json"
  [rule_fuzz]=""
  [chunk_fuzz]="libzstd"
  [cursor_fuzz]="nlohmann_json"
  [usage_import_fuzz]="absl_raw_hash_set absl_hash"
  [cdr_import_fuzz]="nlohmann_json fmt absl_raw_hash_set absl_hash"
  [make_seeds]="libzstd nlohmann_json"
)
TARGETS=(csv_fuzz json_body_fuzz rule_fuzz chunk_fuzz cursor_fuzz usage_import_fuzz cdr_import_fuzz)

SAN=(-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
CXXFLAGS=(-std=c++20 -O1 -g "${SAN[@]}" -I"$root/src" -Wall -Wextra -Wno-missing-field-initializers)

# True when $1 is missing or older than its source or any header its .d file lists.
stale() {
  local obj="$1" dep="$1.d" f
  [ -f "$obj" ] && [ -f "$dep" ] || return 0
  for f in $(sed -e 's/^[^:]*://' -e 's/\\$//' "$dep"); do
    [ "$f" -nt "$obj" ] && return 0
  done
  return 1
}

# Compiles $1 (a path) into $2 with the extra flags that follow.
compile() {
  local src="$1" obj="$2"
  shift 2
  if stale "$obj"; then
    echo "fuzz: compiling ${src#"$root"/}"
    "$cxx" "${CXXFLAGS[@]}" "$@" -MMD -MF "$obj.d" -c "$src" -o "$obj"
  fi
}

build() {
  local t="$1" s objs=() mods cflags=() libs=()
  mods="${PKGS[$t]}"
  if [ -n "$mods" ]; then
    read -r -a cflags <<<"$(pkg-config --cflags $mods)"
    read -r -a libs <<<"$(pkg-config --libs $mods)"
  fi
  for s in ${SOURCES[$t]}; do
    local obj="$out/obj/${s//\//_}.o" path="$root/src/$s"
    [[ "$s" == fuzz/* ]] && path="$root/$s"
    compile "$path" "$obj" -fsanitize=fuzzer-no-link "${cflags[@]}"
    objs+=("$obj")
  done
  # libFuzzer brings main(); the seed writer has its own.
  local fuzzer=-fsanitize=fuzzer
  [ "$t" = make_seeds ] && fuzzer=-fsanitize=fuzzer-no-link
  compile "$root/fuzz/$t.cc" "$out/obj/$t.o" "$fuzzer" "${cflags[@]}"
  local bin="$out/$t" newer=0 o
  [ -f "$bin" ] || newer=1
  for o in "${objs[@]}" "$out/obj/$t.o"; do [ "$o" -nt "$bin" ] && newer=1; done
  if [ "$newer" = 1 ]; then
    echo "fuzz: linking $t"
    "$cxx" "$fuzzer" "${SAN[@]}" -pthread "$out/obj/$t.o" "${objs[@]}" "${libs[@]}" -o "$bin"
  fi
}

if [ $# -gt 0 ]; then
  TARGETS=("$@")
fi
for t in "${TARGETS[@]}"; do
  [ -n "${SOURCES[$t]+x}" ] || { echo "fuzz: no target $t" >&2; exit 2; }
  build "$t"
done
