#!/bin/sh
# Regenerates the measured profiles in this directory by running the paper's
# workload analogs natively under `vmmsim profile` (run from the repository
# root after `npm run build`; needs gcc, make, tar and, for the full set of
# counters, perf as root). Measurements vary from run to run and machine to
# machine: the committed files are one run, with their provenance inside.
#   forkwait.yaml  test/fixtures/profile/forkwait.c, 40,000 iterations (the paper's count)
#   make-j2.yaml   make -j2 of a C project this script generates: 48 files of
#                  generated functions, compiled with gcc -O2 and linked
#   tar.yaml       tar -cf of a generated tree: 100 directories × 100 files of 4 KB
# Usage: scenarios/measured/measure.sh [forkwait] [make-j2] [tar]   (default: all three)
set -eu
only=" ${*:-forkwait make-j2 tar} "
want() { case "$only" in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
root=$(pwd)
here="$root/scenarios/measured"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Each command runs in the work directory, so the provenance shows it as typed.
vmmsim() { node "$root/dist/cli/main.js" "$@"; }

if want forkwait; then
  gcc -O2 -o "$work/forkwait" test/fixtures/profile/forkwait.c
  (cd "$work" && vmmsim profile --name forkwait --out "$here/forkwait.yaml" -- ./forkwait 40000)
fi

if want make-j2; then
# A C project: 48 translation units of 40 small functions each, and a main.
mkdir -p "$work/proj"
i=0
while [ $i -lt 48 ]; do
  f="$work/proj/unit$i.c"
  echo '#include <stdio.h>' > "$f"
  echo '#include <string.h>' >> "$f"
  j=0
  while [ $j -lt 40 ]; do
    printf 'int u%d_f%d(const char *s, int k) { int h = k; for (size_t n = 0; n < strlen(s); n++) h = h * 31 + s[n] + %d; return h ^ %d; }\n' $i $j $j $i >> "$f"
    j=$((j + 1))
  done
  printf 'int u%d_all(void) { return u%d_f0("x", 1) + u%d_f39("y", 2); }\n' $i $i $i >> "$f"
  i=$((i + 1))
done
{
  i=0
  while [ $i -lt 48 ]; do printf 'int u%d_all(void);\n' $i; i=$((i + 1)); done
  echo 'int main(void) { int s = 0;'
  i=0
  while [ $i -lt 48 ]; do printf '  s += u%d_all();\n' $i; i=$((i + 1)); done
  echo '  return s == 42; }'
} > "$work/proj/main.c"
cat > "$work/proj/Makefile" <<'MK'
SRCS := $(wildcard *.c)
OBJS := $(SRCS:.c=.o)
prog: $(OBJS)
	gcc -o $@ $(OBJS)
%.o: %.c
	gcc -O2 -c -o $@ $<
MK
(cd "$work/proj" && vmmsim profile --name make-j2 --out "$here/make-j2.yaml" -- make -s -j2)
fi

if want tar; then
# A file tree for tar: 100 directories of 100 files of 4 KB (40 MB).
d=0
while [ $d -lt 100 ]; do
  mkdir -p "$work/tree/d$d"
  head -c 409600 /dev/urandom | (cd "$work/tree/d$d" && split -b 4096 -a 3 - f)
  d=$((d + 1))
done
(cd "$work" && vmmsim profile --name tar --out "$here/tar.yaml" -- tar -cf tree.tar tree)
fi
