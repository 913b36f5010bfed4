#!/usr/bin/env bash
# Churn model on a realistic generated table: cross-validated AUC against the best single
# column (the peer), and the time to train and to score per 100,000 rows.
#   bench/churn/run.sh            ROWS=100000 by default; env KAM_BENCH_ROWS, KAM_BENCH_SEED
set -euo pipefail
cd "$(dirname "$0")/../.."
KAM=${KAM_BIN:-build/kam}
ROWS=${KAM_BENCH_ROWS:-100000}
SEED=${KAM_BENCH_SEED:-42}
WORK=$(mktemp -d /tmp/kam-churn-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

peer=$(node bench/churn/gen.mjs "$ROWS" "$SEED" "$WORK/train.csv")
node bench/churn/gen.mjs 20000 $((SEED + 1)) "$WORK/holdout.csv" >/dev/null 2>&1
echo "table: $ROWS rows, $(head -1 "$WORK/train.csv" | tr ',' '\n' | wc -l) columns; $peer"

secs() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$1" "$2"; }
now() { date +%s.%N; }

t0=$(now)
"$KAM" churn evaluate --input "$WORK/train.csv" --label churned --id subscriber_id --folds 5 --seed "$SEED" | tee "$WORK/eval.txt" | sed 's/^/  /'
t1=$(now)
"$KAM" churn train --input "$WORK/train.csv" --label churned --id subscriber_id --model "$WORK/m.kcm" >"$WORK/train.txt"
t2=$(now)
"$KAM" churn score --model "$WORK/m.kcm" --input "$WORK/train.csv" --output "$WORK/scores.csv" >"$WORK/score.txt" 2>&1
t3=$(now)
"$KAM" churn score --model "$WORK/m.kcm" --input "$WORK/holdout.csv" --output "$WORK/holdout-scores.csv" >"$WORK/holdout.txt" 2>&1

auc=$(tail -1 "$WORK/eval.txt" | cut -d= -f2)
best=$(echo "$peer" | sed -E 's/.*AUC=//')
ceiling=$(echo "$peer" | sed -E 's/.*logit\) AUC=([0-9.]+).*/\1/')
per100k() { python3 -c "import sys; print(f'{float(sys.argv[1]) * 100000 / float(sys.argv[2]):.1f}')" "$1" "$ROWS"; }
echo
echo "cross-validated AUC (5 folds): $auc   best single column: $best   gain: $(python3 -c "print(f'{$auc - $best:+.4f}')")   ceiling: $ceiling"
echo "hold-out ($(grep -o 'AUC on.*' "$WORK/holdout.txt"))"
echo "evaluate (5-fold CV):        $(secs "$t0" "$t1") s  = $(per100k "$(secs "$t0" "$t1")") s per 100,000 rows"
echo "train (5-fold CV + refit):   $(secs "$t1" "$t2") s  = $(per100k "$(secs "$t1" "$t2")") s per 100,000 rows  ($(grep -o 'final fit.*' "$WORK/train.txt"))"
echo "score with top 3 factors:    $(secs "$t2" "$t3") s  = $(per100k "$(secs "$t2" "$t3")") s per 100,000 rows  ($(grep -o 'factors: [a-z ()A-Z]*' "$WORK/score.txt"))"
