# diffprune.h - build, test and benchmark.
#   make            the command-line tool and the examples, in build/
#   make test       every test, normally and under ASan+UBSan, plus the
#                   compile checks (C99 gcc/clang -pedantic, C++, freestanding)
#   make test-cli   the option parsing of every command-line program
#   make demo       the main job, diffprune fit on Fashion-MNIST (installs it when it can)
#   make prune-quick  prune a MobileNet-v2 on a Fashion-MNIST subset (~1 min)
#   make experiments  the paper's pruning experiments (~45 min)
#   make kws-data [N=20000]  a 12-class keyword set from Debian's speech
#                   synthesisers, Speech Commands layout, in build/kws-data
#   make kws [KWS_ARGS=...]  train and prune a KWS network on it (examples/kws.c)
#   make kws-quick  the small KWS check make test runs (N=400, DS-CNN to KWS-S)
#   make kws-experiments  Table 3's KWS rows on the 20000-clip set (~1 hour)
#   make bench-train [ROUNDS=5 SECONDS_PER_RUN=4]  training speed against PyTorch
#                   (when installed), interleaved rounds, median ratio with min/max
#   make bench-sched  time and DP states of the exact peak-memory scheduler
#   make bench-prune  pruning vs uniform scaling vs from scratch, over seeds
#                     (hours; SMALL=1 for a quick check; resumable)
#   make fuzz       libFuzzer on the model loader (FUZZ_SECONDS=60)
#   make fuzz-tflite  libFuzzer on the .tflite reader and importer
#   make -C mcu test / bench   the firmware under qemu (part of make test)
CC      ?= cc
# -mprefer-vector-width=256: on AVX-512 cores (e.g. AMD Zen 4) the GEMM
# micro-kernel uses 512-bit vectors by itself, and 256-bit auto-vectorised
# element-wise loops are faster (make bench-train: +12-24% on this machine)
VW256   := $(shell $(CC) -mprefer-vector-width=256 -E -x c /dev/null >/dev/null 2>&1 && echo -mprefer-vector-width=256)
CFLAGS  ?= -O3 -march=native $(VW256)
OMP     ?= -fopenmp
WARN     = -std=c99 -Wall -Wextra -Werror -pedantic
SAN      = -O1 -g -march=native -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
B        = build
EXAMPLES = $(B)/diffprune $(B)/train_fashion $(B)/quickstart $(B)/kws
TESTS    = test_grad test_bn test_train test_gzip test_infer test_sched test_export test_prune test_mfcc test_fuzz_replay test_tflite
THREADS ?= 2
# parallel builds of the test binaries in make test (every core)
JOBS    ?= $(shell nproc 2>/dev/null || echo 2)
TESTS   += test_data
TESTS   += test_tfexport

.PHONY: all test deps test-cli test-run test-san test-compile demo data bench-train bench-sched bench-prune fuzz fuzz-tflite clean experiments prune-quick kws-data kws-quick kws kws-experiments fit-quick
all: $(EXAMPLES)

$(B):
	@mkdir -p $(B)

$(B)/%: examples/%.c examples/cli.h examples/report.h diffprune.h | $(B)
	$(CC) $(WARN) $(CFLAGS) $(OMP) -o $@ $< -lm

$(B)/bench_%: bench/bench_%.c examples/cli.h diffprune.h | $(B)
	$(CC) $(WARN) $(CFLAGS) $(OMP) -o $@ $< -lm

$(B)/test_%: tests/test_%.c tests/test_util.h tests/test_rng.h diffprune.h | $(B)
	$(CC) $(WARN) $(CFLAGS) $(OMP) -o $@ $< -lm

$(B)/noomp_%: tests/test_%.c tests/test_util.h tests/test_rng.h diffprune.h | $(B)
	$(CC) $(WARN) $(CFLAGS) -o $@ $< -lm

$(B)/san_%: tests/test_%.c tests/test_util.h tests/test_rng.h diffprune.h | $(B)
	$(CC) $(WARN) $(SAN) $(OMP) -o $@ $< -lm

# the TFLite tests also use the flatbuffer writer
$(B)/test_tflite $(B)/noomp_tflite $(B)/san_tflite: tests/tflite_dir.h tests/tflite_writer.h tests/fuzz_tflite.c $(wildcard tests/fuzz_tflite_corpus/*)
$(B)/test_tfexport $(B)/noomp_tfexport $(B)/san_tfexport: tests/tflite_dir.h

# Every test three ways: with OpenMP, without it, and under ASan+UBSan.
ALLTESTS = $(addprefix $(B)/,$(TESTS)) $(addprefix $(B)/noomp_,$(subst test_,,$(TESTS))) \
           $(addprefix $(B)/san_,$(subst test_,,$(TESTS)))

test: deps
	@$(MAKE) --no-print-directory test-compile
	@$(MAKE) --no-print-directory -j$(JOBS) $(ALLTESTS)
	@$(MAKE) --no-print-directory -C mcu test > $(B)/mcu_test.log 2>&1; st=$$?; cat $(B)/mcu_test.log; exit $$st
	@$(MAKE) --no-print-directory test-cli
	@$(MAKE) --no-print-directory $(B)/diffprune
	@sh tests/prune_quick.sh ./$(B)/diffprune $(B)/prune_quick.log
	@$(MAKE) --no-print-directory $(B)/kws $(B)/test_mfcc
	@sh tests/kws_quick.sh ./$(B)/kws ./$(B)/test_mfcc $(KWS_QUICK_DATA) $(B)/kws_quick.log
	@$(MAKE) --no-print-directory $(B)/data_folder
	@sh tests/fit_quick.sh ./$(B)/diffprune ./$(B)/data_folder $(B)/fit-quick $(B)/fit_quick.log
	@sh tests/tflite_armnn.sh ./$(B)/diffprune $(B)/tflite_armnn.log
	@ASAN_OPTIONS=detect_leaks=1 DP_EXTRA_RESULTS="$(B)/compile_checks.log $(B)/toc.log $(B)/mcu_test.log $(B)/cli_options.log $(B)/prune_quick.log $(B)/kws_quick.log $(B)/fit_quick.log $(B)/tflite_armnn.log" sh tests/run_all.sh test $(ALLTESTS)

deps:
	@sh tests/install_deps.sh

# every command-line program's option parsing (examples/cli.h): bad values
# for each numeric option stop with status 2, good ones are accepted
test-cli: $(B)/diffprune $(B)/kws $(B)/train_fashion
	@$(MAKE) --no-print-directory -s -C mcu build/host/gen_model_data
	@sh tests/cli_options.sh $(B) $(B)/cli_options.log mcu/build/host/gen_model_data

test-run: $(addprefix $(B)/,$(TESTS))
	@sh tests/run_all.sh tests $(addprefix $(B)/,$(TESTS))

test-san: $(addprefix $(B)/san_,$(subst test_,,$(TESTS)))
	@ASAN_OPTIONS=detect_leaks=1 sh tests/run_all.sh sanitizers $(addprefix $(B)/san_,$(subst test_,,$(TESTS)))

# The header the way users build it: C99 and C11 under gcc and clang with
# -pedantic, as C++, without OpenMP, and the inference half freestanding.
test-compile: | $(B)
	@sh tests/compile_checks.sh > $(B)/compile_checks.log 2>&1; st=$$?; cat $(B)/compile_checks.log; exit $$st
	@if command -v python3 >/dev/null 2>&1; then python3 tests/check_toc.py diffprune.h > $(B)/toc.log 2>&1; st=$$?; \
	 else echo "SKIP toc: no python3 to read the table of contents" > $(B)/toc.log; echo "toc: 0 passed, 0 failed, 1 skipped" >> $(B)/toc.log; st=0; fi; \
	 tail -n 2 $(B)/toc.log; exit $$st

# the whole pipeline, `diffprune fit` on Fashion-MNIST for the NUCLEO-F446RE:
# a wide CNN pruned to its budgets while training, int8, host run, firmware
# on the emulated M4 (examples/demo.sh; DEMO_ARGS go to fit, e.g.
# "--board nucleo-f767zi --epochs 8")
DEMO_ARGS ?=
demo: $(B)/diffprune
	@sh tests/get_fashion.sh || true
	@sh examples/demo.sh $(DEMO_ARGS)

data:
	@sh tests/get_fashion.sh

# libFuzzer on the data decoders (PNG/PPM/BMP/CSV/WAV/zlib), FUZZ_SECONDS
fuzz-data:
	@sh tests/fuzz.sh data $(FUZZ_SECONDS)
# test_data includes the fuzz target's checks (to replay its corpus)
$(B)/test_data $(B)/noomp_data $(B)/san_data: tests/fuzz_data.c

# diffprune prune --quick: pruning on a Fashion-MNIST subset (about a minute)
prune-quick: data $(B)/diffprune
	./$(B)/diffprune prune --quick

# the paper's pruning experiments on Fashion-MNIST (about 45 minutes):
# markdown tables in build/experiments.md, logs in build/experiments/
experiments: data $(B)/diffprune
	sh examples/experiments.sh $(B)/experiments | tee $(B)/experiments.md

# keyword spotting: the speech set (N clips, Debian's synthesisers), the
# quick check that make test runs, and the full example
N ?= 20000
KWS_DATA ?= build/kws-data
kws-data:
	@sh examples/kws_data.sh -n $(N) -o $(KWS_DATA)
KWS_QUICK_DATA ?= $(B)/kws-data-400
kws-quick: $(B)/kws $(B)/test_mfcc
	@sh tests/kws_quick.sh ./$(B)/kws ./$(B)/test_mfcc $(KWS_QUICK_DATA) $(B)/kws_quick.log
# diffprune fit on a PNG, a CSV (synthetic gestures) and a WAV folder the test makes (about a minute)
fit-quick: $(B)/diffprune $(B)/data_folder
	@sh tests/fit_quick.sh ./$(B)/diffprune ./$(B)/data_folder $(B)/fit-quick $(B)/fit_quick.log
# the paper's KWS rows on the 20000-clip set (about an hour on 2 cores)
kws-experiments: $(B)/kws
	@[ -f $(KWS_DATA)/testing_list.txt ] || sh examples/kws_data.sh -n $(N) -o $(KWS_DATA)
	KWS_DATA=$(KWS_DATA) sh examples/kws_experiments.sh $(B)/kws-experiments | tee $(B)/kws-experiments.md
KWS_ARGS ?=
kws: $(B)/kws
	@[ -f $(KWS_DATA)/testing_list.txt ] || sh examples/kws_data.sh -n $(N) -o $(KWS_DATA)
	./$(B)/kws --data $(KWS_DATA) $(KWS_ARGS)

ROUNDS ?= 5
SECONDS_PER_RUN ?= 4
bench-train: $(B)/bench_train
	@ROUNDS=$(ROUNDS) SECONDS_PER_RUN=$(SECONDS_PER_RUN) sh bench/bench_train.sh $(THREADS)

# the replay test also depends on the fuzz target's checks and the corpus
$(B)/test_fuzz_replay $(B)/noomp_fuzz_replay $(B)/san_fuzz_replay: tests/fuzz_model.c $(wildcard tests/fuzz_corpus/*)

# libFuzzer on the model loader and interpreter for FUZZ_SECONDS (clang and
# libclang-rt); findings go to build/fuzz/, a crash gives a non-zero exit
FUZZ_SECONDS ?= 60
fuzz:
	@sh tests/fuzz.sh model $(FUZZ_SECONDS)

# libFuzzer on the TFLite reader and importer (FUZZ_SECONDS=60)
fuzz-tflite:
	@sh tests/fuzz.sh tflite $(FUZZ_SECONDS)

# time and DP states of the exact scheduler: zoo backbones, synthetic graphs
bench-sched: $(B)/bench_sched $(B)/diffprune
	@./$(B)/bench_sched

bench-prune: $(B)/diffprune $(B)/kws
	@sh bench/bench_prune.sh

clean:
	rm -rf $(B)
