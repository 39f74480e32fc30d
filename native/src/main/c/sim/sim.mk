# sim rules: the RKLLM simulator, built twice from the same sources (ABI 1.3.0 and 1.2.x), and its check program.
# -O3 for the prefill kernels; -ffp-contract=off so batched, cached and one-by-one prefill give identical floats
# on every target (no FMA contraction in one kernel and not the other). No -march: the library runs on any x86-64/aarch64.

SIM_SRCS := $(wildcard sim/*.c)
SIM_HDRS := $(wildcard sim/*.h) include/rkllm_abi.h
SIM_TEST_SRCS := $(wildcard sim/test/*.c)
SIM_TEST_HDRS := $(wildcard sim/test/*.h)
SIM_CFLAGS := $(CFLAGS_COMMON) -O3 -ffp-contract=off -pthread -Isim
SIM_LDLIBS := -lm -lpthread
SIM_MAP := sim/sim.map
SIM_WORK := $(OBJ)/sim-check-work
SIM_VALGRIND := valgrind --leak-check=full --error-exitcode=1 --errors-for-leak-kinds=definite,indirect -q

SIM130_OBJS := $(patsubst sim/%.c,$(OBJ)/sim130/%.o,$(SIM_SRCS))
SIM122_OBJS := $(patsubst sim/%.c,$(OBJ)/sim122/%.o,$(SIM_SRCS))

.PHONY: sim check-sim check-sim-valgrind
all: $(DEST)/librkllm_sim.so $(DEST)/librkllm_sim_v12.so
sim: $(DEST)/librkllm_sim.so $(DEST)/librkllm_sim_v12.so
check: check-sim

$(OBJ)/sim130/%.o: sim/%.c $(SIM_HDRS)
	@mkdir -p $(@D)
	$(CC) $(SIM_CFLAGS) -DRKLLM_ABI_VERSION=130 -c $< -o $@

$(OBJ)/sim122/%.o: sim/%.c $(SIM_HDRS)
	@mkdir -p $(@D)
	$(CC) $(SIM_CFLAGS) -DRKLLM_ABI_VERSION=122 -c $< -o $@

$(DEST)/librkllm_sim.so: $(SIM130_OBJS) $(SIM_MAP)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS_COMMON) -Wl,--version-script=$(SIM_MAP) -Wl,-soname,librkllm_sim.so -o $@ $(SIM130_OBJS) $(SIM_LDLIBS)

$(DEST)/librkllm_sim_v12.so: $(SIM122_OBJS) $(SIM_MAP)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS_COMMON) -Wl,--version-script=$(SIM_MAP) -Wl,-soname,librkllm_sim_v12.so -o $@ $(SIM122_OBJS) $(SIM_LDLIBS)

# The check program, once per ABI, linked against that library (rpath to it, no install needed).
$(OBJ)/sim_check130: $(SIM_TEST_SRCS) $(SIM_TEST_HDRS) include/rkllm_abi.h $(DEST)/librkllm_sim.so
	$(CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -Iinclude -pthread -DRKLLM_ABI_VERSION=130 -o $@ $(SIM_TEST_SRCS) \
	  -L$(DEST) -l:librkllm_sim.so -Wl,-rpath,$(abspath $(DEST)) -lm -lpthread

$(OBJ)/sim_check122: $(SIM_TEST_SRCS) $(SIM_TEST_HDRS) include/rkllm_abi.h $(DEST)/librkllm_sim_v12.so
	$(CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -Iinclude -pthread -DRKLLM_ABI_VERSION=122 -o $@ $(SIM_TEST_SRCS) \
	  -L$(DEST) -l:librkllm_sim_v12.so -Wl,-rpath,$(abspath $(DEST)) -lm -lpthread

# RUN: a prefix for the check programs (an emulator when cross-built, see check-aarch64).
check-sim: $(OBJ)/sim_check130 $(OBJ)/sim_check122
	@rm -rf $(SIM_WORK) && mkdir -p $(SIM_WORK)/130 $(SIM_WORK)/122
	$(RUN) $(OBJ)/sim_check130 $(SIM_WORK)/130
	$(RUN) $(OBJ)/sim_check122 $(SIM_WORK)/122

# Slow (minutes): the same checks under valgrind, leaks and memory errors fail it. SIM_CHECK_QUICK skips timing checks.
check-sim-valgrind: $(OBJ)/sim_check130 $(OBJ)/sim_check122
	@rm -rf $(SIM_WORK) && mkdir -p $(SIM_WORK)/130 $(SIM_WORK)/122
	SIM_CHECK_UNDER_VALGRIND=1 $(SIM_VALGRIND) $(OBJ)/sim_check130 $(SIM_WORK)/130
	SIM_CHECK_UNDER_VALGRIND=1 $(SIM_VALGRIND) $(OBJ)/sim_check122 $(SIM_WORK)/122

# Figures for a model file (e.g. one SimModels wrote): make bench-sim SIM_BENCH_MODEL=/path/demo.npfsim
$(OBJ)/sim_bench: sim/bench/sim_bench.c include/rkllm_abi.h $(DEST)/librkllm_sim.so
	$(CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -Iinclude -DRKLLM_ABI_VERSION=130 -o $@ $< \
	  -L$(DEST) -l:librkllm_sim.so -Wl,-rpath,$(abspath $(DEST))

.PHONY: bench-sim
bench-sim: $(OBJ)/sim_bench
	@test -n "$(SIM_BENCH_MODEL)" || { echo "set SIM_BENCH_MODEL to a model file"; exit 2; }
	@mkdir -p $(SIM_WORK)
	$(OBJ)/sim_bench $(SIM_BENCH_MODEL) $(SIM_WORK)
