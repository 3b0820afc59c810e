#!/usr/bin/env bash
# Coverage-guided fuzzing of one target with AFL++ through SharpFuzz (docs/fuzzing.md).
#
#   tests/ActorNode.Fuzz/fuzz.sh <target> [minutes] [findings-dir]    fuzz a target for N minutes (default 10)
#   tests/ActorNode.Fuzz/fuzz.sh build                                 only publish + instrument (before parallel runs)
#   tests/ActorNode.Fuzz/fuzz.sh list                                  the targets
#
# Installs what it needs: AFL++ from Debian (apt-get, as root), the SharpFuzz.CommandLine tool pinned in this folder's
# dotnet-tools.json (dotnet tool restore). The harness is published to $FUZZ_BIN (default /tmp/actornode-fuzz-bin)
# and the ActorNode assemblies there are instrumented in place: never the build output the tests use. Findings go to
# [findings-dir] (default $FUZZ_OUT/<target>, FUZZ_OUT=/tmp/actornode-fuzz); AFL++ writes crashes/ and hangs/ there,
# and fuzzer_stats, summed up at the end. Replay a finding with the plain (uninstrumented) build: the instrumented
# assemblies write to AFL++'s shared memory and crash outside it:
#   dotnet run --project tests/ActorNode.Fuzz -- replay <target> <file-or-dir>
# Environment: AFL_TIMEOUT (ms per input, default 5000), FUZZ_NICE (default 10).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${FUZZ_BIN:-/tmp/actornode-fuzz-bin}
out_root=${FUZZ_OUT:-/tmp/actornode-fuzz}
instrumented="ActorNode.Wire ActorNode.AddrBook ActorNode.Connections ActorNode.V2Transport"

install() {
  if ! command -v afl-fuzz >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++
  fi
  (cd "$here" && dotnet tool restore >/dev/null)
}

build() {
  install
  # Rebuild when any source file is newer than the instrumented copy.
  if [ -f "$bin/.instrumented" ] && [ -z "$(find "$here" "$here/../../src" -name '*.cs' -newer "$bin/.instrumented" -print -quit)" ]; then
    return
  fi
  rm -rf "$bin"
  dotnet publish "$here/ActorNode.Fuzz.csproj" -c Release -o "$bin" -v quiet -nologo
  for dll in $instrumented; do
    (cd "$here" && dotnet tool run sharpfuzz "$bin/$dll.dll")
  done
  touch "$bin/.instrumented"
}

case "${1:-}" in
  "" | -h | --help) sed -n '2,18p' "$0"; exit 2 ;;
  build) build; exit 0 ;;
  list) build; dotnet "$bin/ActorNode.Fuzz.dll" list; exit 0 ;;
esac

target=$1
minutes=${2:-10}
out=${3:-$out_root/$target}
corpus=$here/corpus/$target
[ -d "$corpus" ] || { echo "no corpus folder $corpus" >&2; exit 2; }
case "$target" in
  frame | message | block | tx) dict=(-x "$here/dict/wire.dict") ;;
  peers | banlist) dict=(-x "$here/dict/json.dict") ;;
  *) dict=() ;;
esac
build
mkdir -p "$out"

# AFL_NO_AFFINITY: the machine's cores are shared, several targets may run at once. AFL_SKIP_BIN_CHECK: the
# program is `dotnet`, the instrumentation is in the managed assemblies. -V: stop after the given time.
AFL_NO_AFFINITY=1 AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
AFL_AUTORESUME=1 \
  nice -n "${FUZZ_NICE:-10}" afl-fuzz -i "$corpus" -o "$out" -V $((minutes * 60)) -t "${AFL_TIMEOUT:-5000}" -m none \
  "${dict[@]}" -- dotnet "$bin/ActorNode.Fuzz.dll" run "$target" >"$out/afl.log" 2>&1 || {
    echo "afl-fuzz failed; the end of $out/afl.log:" >&2; tail -20 "$out/afl.log" >&2; exit 1; }

stats=$out/default/fuzzer_stats
get() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$stats"; }
echo "$target: $(get execs_done) execs in $(get run_time) s ($(get execs_per_sec) execs/s at the end)," \
  "corpus $(get corpus_count), edges $(get edges_found)/$(get total_edges) ($(get bitmap_cvg))," \
  "crashes $(get saved_crashes), hangs $(get saved_hangs)"
find "$out/default/crashes" "$out/default/hangs" -type f ! -name README.txt 2>/dev/null | sed 's/^/  finding: /' || true
