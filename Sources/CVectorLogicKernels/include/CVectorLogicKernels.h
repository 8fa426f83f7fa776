unsigned int vl_kernels_placeholder(void);
