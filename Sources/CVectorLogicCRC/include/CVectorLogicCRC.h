unsigned int vl_crc_placeholder(void);
