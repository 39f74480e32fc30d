# bridge rules: libnpufleet.so, the JNI bridge. Included by ../Makefile (paths relative to src/main/c).
# Compiled against the javac -h headers in $(JNI_HEADERS); only Java_* and JNI_OnLoad are exported.

BRIDGE_LIB := $(DEST)/libnpufleet.so
BRIDGE_SRC := $(wildcard bridge/*.c)
BRIDGE_OBJ := $(patsubst bridge/%.c,$(OBJ)/bridge/%.o,$(BRIDGE_SRC))
BRIDGE_CFLAGS := $(CFLAGS_COMMON) -pthread -Ibridge -I$(JNI_HEADERS) \
	-I$(JAVA_HOME)/include -I$(JAVA_HOME)/include/linux -MMD -MP

# Test only (not in the jar): a 1.3.0 runtime that calls back from its own thread, like a vendor runtime might.
BRIDGE_FAKE_RT := $(OBJ)/bridge-test/libnpufleet_fake_rt.so
# The same fake without version text (ABI evidence missing) and with two generations' (ambiguous).
BRIDGE_FAKE_RT_BARE := $(OBJ)/bridge-test/libnpufleet_fake_rt_bare.so
BRIDGE_FAKE_RT_AMBIGUOUS := $(OBJ)/bridge-test/libnpufleet_fake_rt_ambiguous.so
BRIDGE_FAKES := $(BRIDGE_FAKE_RT) $(BRIDGE_FAKE_RT_BARE) $(BRIDGE_FAKE_RT_AMBIGUOUS)

.PHONY: bridge check-bridge
all: $(BRIDGE_LIB) $(BRIDGE_FAKES)
bridge: $(BRIDGE_LIB) $(BRIDGE_FAKES)
check: check-bridge

$(OBJ)/bridge/%.o: bridge/%.c
	@mkdir -p $(@D)
	$(CC) $(BRIDGE_CFLAGS) -c $< -o $@

# Linking also checks the exports: a symbol other than Java_* / JNI_OnLoad fails the build.
$(BRIDGE_LIB): $(BRIDGE_OBJ) bridge/bridge.map
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS_COMMON) -pthread -Wl,--version-script=bridge/bridge.map -o $@.tmp $(BRIDGE_OBJ) -ldl
	@bad=$$(nm -D --defined-only $@.tmp | awk '$$2 ~ /^[TDBRVW]$$/ && $$3 !~ /^(Java_|JNI_OnLoad$$)/ {print $$3}'); \
	if [ -n "$$bad" ]; then echo "libnpufleet.so exports more than Java_* and JNI_OnLoad: $$bad" >&2; rm -f $@.tmp; exit 1; fi
	mv $@.tmp $@

$(BRIDGE_FAKE_RT): bridge/test/fake_runtime.c include/rkllm_abi.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) -pthread -DRKLLM_ABI_VERSION=130 $(LDFLAGS_COMMON) -o $@ $< -pthread

$(BRIDGE_FAKE_RT_BARE): bridge/test/fake_runtime.c include/rkllm_abi.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) -pthread -DRKLLM_ABI_VERSION=130 -DFAKE_RT_VARIANT=1 $(LDFLAGS_COMMON) -o $@ $< -pthread

$(BRIDGE_FAKE_RT_AMBIGUOUS): bridge/test/fake_runtime.c include/rkllm_abi.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) -pthread -DRKLLM_ABI_VERSION=130 -DFAKE_RT_VARIANT=2 $(LDFLAGS_COMMON) -o $@ $< -pthread

# The bridge's own check: exports, and that it resolves nothing it should not need.
check-bridge: $(BRIDGE_LIB)
	nm -D --defined-only $(BRIDGE_LIB) | awk '$$2 ~ /^[TDBRVW]$$/ {print $$3}' | sort
	ldd $(BRIDGE_LIB)

-include $(BRIDGE_OBJ:.o=.d)
