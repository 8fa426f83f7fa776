// CRC32C (Castagnoli). See data-format.md (introduction): every checksum in VectorLogic's files.
// Two implementations with identical results:
//   - SSE4.2 `crc32` instruction, compiled via a target attribute (no global -msse4.2, so the binary still runs on
//     CPUs without it) and chosen at run time with __builtin_cpu_supports;
//   - a portable slicing-by-8 table implementation (the fallback, and the reference for tests).
#include "CVectorLogicCRC.h"
#include <string.h>

#define POLY 0x82F63B78u  // reflected Castagnoli polynomial

static uint32_t table[8][256];

// Tables are built by a constructor so the hot path never checks an "initialised" flag and there is no data race.
__attribute__((constructor)) static void vl_crc32c_init_tables(void) {
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ POLY : c >> 1;
        table[0][n] = c;
    }
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = table[0][n];
        for (int k = 1; k < 8; k++) {
            c = table[0][c & 0xff] ^ (c >> 8);
            table[k][n] = c;
        }
    }
}

uint32_t vl_crc32c_extend_portable(uint32_t crc, const void *data, size_t count) {
    const unsigned char *p = (const unsigned char *)data;
    uint32_t c = ~crc;
    if (count == 0 || p == NULL) return crc;
    while (count > 0 && ((uintptr_t)p & 7) != 0) {
        c = table[0][(c ^ *p++) & 0xff] ^ (c >> 8);
        count--;
    }
    while (count >= 8) {
        uint64_t word;
        memcpy(&word, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        word = __builtin_bswap64(word);
#endif
        uint32_t lo = (uint32_t)word ^ c;
        uint32_t hi = (uint32_t)(word >> 32);
        c = table[7][lo & 0xff] ^ table[6][(lo >> 8) & 0xff] ^ table[5][(lo >> 16) & 0xff] ^ table[4][lo >> 24] ^
            table[3][hi & 0xff] ^ table[2][(hi >> 8) & 0xff] ^ table[1][(hi >> 16) & 0xff] ^ table[0][hi >> 24];
        p += 8;
        count -= 8;
    }
    while (count > 0) {
        c = table[0][(c ^ *p++) & 0xff] ^ (c >> 8);
        count--;
    }
    return ~c;
}

#if defined(__x86_64__)
#include <nmmintrin.h>

__attribute__((target("sse4.2")))
static uint32_t vl_crc32c_extend_sse42(uint32_t crc, const void *data, size_t count) {
    const unsigned char *p = (const unsigned char *)data;
    uint64_t c = ~crc;
    if (count == 0 || p == NULL) return crc;
    while (count > 0 && ((uintptr_t)p & 7) != 0) {
        c = _mm_crc32_u8((uint32_t)c, *p++);
        count--;
    }
    // Unrolled by 4: the instruction has 3-cycle latency, 1/cycle throughput; a dependent chain still gives ~10 GB/s,
    // enough that checksumming is never the bottleneck next to fdatasync or mmap page faults.
    while (count >= 32) {
        uint64_t w0, w1, w2, w3;
        memcpy(&w0, p, 8); memcpy(&w1, p + 8, 8); memcpy(&w2, p + 16, 8); memcpy(&w3, p + 24, 8);
        c = _mm_crc32_u64(c, w0);
        c = _mm_crc32_u64(c, w1);
        c = _mm_crc32_u64(c, w2);
        c = _mm_crc32_u64(c, w3);
        p += 32;
        count -= 32;
    }
    while (count >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        c = _mm_crc32_u64(c, w);
        p += 8;
        count -= 8;
    }
    while (count > 0) {
        c = _mm_crc32_u8((uint32_t)c, *p++);
        count--;
    }
    return ~(uint32_t)c;
}

int vl_crc32c_hardware_available(void) {
    // __builtin_cpu_supports reads a table filled by compiler-rt's constructor: cheap and race-free.
    return __builtin_cpu_supports("sse4.2") ? 1 : 0;
}

uint32_t vl_crc32c_extend(uint32_t crc, const void *data, size_t count) {
    if (__builtin_cpu_supports("sse4.2")) return vl_crc32c_extend_sse42(crc, data, count);
    return vl_crc32c_extend_portable(crc, data, count);
}
#else
int vl_crc32c_hardware_available(void) { return 0; }

uint32_t vl_crc32c_extend(uint32_t crc, const void *data, size_t count) {
    return vl_crc32c_extend_portable(crc, data, count);
}
#endif
