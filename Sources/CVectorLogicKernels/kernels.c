#include "CVectorLogicKernels.h"
unsigned int vl_kernels_placeholder(void) { return 0; }
