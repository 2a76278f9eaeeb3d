#!/usr/bin/env bash
# The sweep behind the CLI defaults (README, "The defaults, and why"): every configuration of the
# README's table on the digits protocol, seed 1, then the chosen defaults, the reference and the
# cosine form over 5 seeds. The learning kernel alone (QualitySweep); about 5 minutes on 2 cores.
#   mvn -B -q package -DskipTests -pl loss-core,benchmarks -am && benchmarks/quality-sweep.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
sweep=(java --add-modules jdk.incubator.vector -cp "$root/benchmarks/target/benchmarks.jar"
  io.contrastream.bench.QualitySweep "$root/data/digits.csv.gz")
mlp="enc=mlp,h=128"
defaults="$mlp,opt=sgd,lr=1e-2,clip=10,std=decaying,floor=1"
sensor="scale=1000,shift=50"
"${sweep[@]}" 1 200000 \
  "opt=sgd" \
  "opt=adam,lr=1e-3,clip=10" \
  "opt=sgd,std=decaying" \
  "$mlp,opt=adam,lr=1e-3,clip=10" \
  "$mlp,opt=adam,lr=3e-4,clip=10" \
  "$mlp,opt=adam,lr=1e-4,clip=10,std=decaying,floor=1" \
  "$mlp,opt=adam,lr=3e-4,clip=10,std=decaying,floor=1" \
  "enc=mlp,h=256,opt=adam,lr=1e-3,clip=10" \
  "$mlp,opt=momentum,lr=1e-3,clip=10" \
  "$mlp,opt=momentum,lr=1e-3,clip=10,std=decaying,floor=1" \
  "$mlp,opt=adagrad,lr=1e-2,clip=10,std=decaying,floor=1" \
  "$mlp,opt=adagrad,lr=3e-2,clip=10,std=decaying,floor=1" \
  "$mlp,opt=sgd,lr=1e-2,clip=10" \
  "$mlp,opt=sgd,lr=3e-2,clip=10" \
  "$defaults" \
  "$mlp,opt=sgd,lr=1e-2,clip=10,std=decaying,floor=0.1" \
  "$mlp,opt=sgd,lr=1e-2,clip=10,std=frozen,floor=1" \
  "$mlp,opt=sgd,lr=3e-2,clip=10,std=decaying,floor=1" \
  "$mlp,opt=sgd,lr=3e-2,clip=10,std=decaying,floor=1,sched=inverse_sqrt,warm=2000" \
  "$mlp,opt=sgd,lr=2e-2,clip=10,std=decaying,floor=1,sched=inverse_sqrt,warm=5000" \
  "$mlp,opt=sgd,lr=1e-2,clip=10,sched=inverse_sqrt,warm=1000" \
  "enc=mlp,h=256,opt=sgd,lr=1e-2,clip=10,std=decaying,floor=1" \
  "$defaults,loss=cosine,m=0.5" \
  "$defaults,loss=cosine,m=0.2" \
  "$defaults,$sensor" \
  "$mlp,opt=sgd,lr=1e-2,clip=10,$sensor" \
  "$mlp,opt=adam,lr=3e-4,clip=10,$sensor" \
  "$mlp,opt=sgd,lr=1e-2,clip=10,std=decaying,floor=0,$sensor"
"${sweep[@]}" 5 200000 "$defaults" "opt=sgd" "$defaults,loss=cosine,m=0.2"
