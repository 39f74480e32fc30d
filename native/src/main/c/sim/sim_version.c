/* sim_version.c: the version text a vendor runtime carries, carried by the simulator too. */
#include "sim.h"

/*
 * librkllmrt.so logs "rkllm-runtime version: 1.2.1, ..." at init, so the text is in the file; the worker
 * reads it to pick the ABI generation (NPUFLEET_RKLLM_ABI=auto, see docs/RKLLM-ABI.md). The simulator
 * carries the same evidence for its own generation, so detection runs the same path here as on a board.
 */
#if RKLLM_ABI_VERSION >= 130
#define SIM_RUNTIME_VERSION "1.3.0"
#else
#define SIM_RUNTIME_VERSION "1.2.3"
#endif

__attribute__((used)) static const char SIM_VERSION_TEXT[] =
    "rkllm-runtime version: " SIM_RUNTIME_VERSION " (npufleet simulator)";
