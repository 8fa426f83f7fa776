#ifndef CVECTORLOGIC_CRC_H
#define CVECTORLOGIC_CRC_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Extends a CRC32C (Castagnoli, reflected polynomial 0x82F63B78) over `count` bytes.
/// `crc` is a finished checksum (0 for a fresh start); the result is finished too, so
/// vl_crc32c_extend(vl_crc32c_extend(0, a), b) == checksum(a ++ b) (LevelDB's crc32c::Extend).
/// Uses the SSE4.2 `crc32` instruction when the CPU has it (checked once at run time), else a table.
uint32_t vl_crc32c_extend(uint32_t crc, const void *_Nullable data, size_t count);

/// The portable table implementation (exposed so tests can compare it with the hardware path).
uint32_t vl_crc32c_extend_portable(uint32_t crc, const void *_Nullable data, size_t count);

/// 1 when vl_crc32c_extend uses the SSE4.2 instruction on this CPU, else 0.
int vl_crc32c_hardware_available(void);

#ifdef __cplusplus
}
#endif

#endif
