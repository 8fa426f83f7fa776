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

// Three independent chains (Mark Adler's crc32c.c, zlib licence, the method of Intel's "Fast CRC Computation for
// iSCSI Polynomial Using CRC32 Instruction"): the instruction has 3-cycle latency and 1/cycle throughput, so one
// dependent chain runs at a third of the core's speed (~8 GB/s on this machine's 2.x GHz Xeon, measured). Three
// chains over three adjacent stretches of LONG (or SHORT) bytes keep the unit busy; the partial CRCs are then joined
// by "appending LONG zero bytes" to the earlier one, a linear map on 32 bits applied with four byte tables.
#define CRC_LONG 8192u   // 3 × 8 KiB = 24 KiB per round: inside L1+L2 on every x86 the binary runs on
#define CRC_SHORT 256u   // the tail rounds, so inputs of 768 B – 24 KiB also use three chains

static uint32_t zeros_long[4][256];
static uint32_t zeros_short[4][256];

// GF(2) matrix (32 columns) times a vector.
static uint32_t gf2_times(const uint32_t *mat, uint32_t vec) {
    uint32_t sum = 0;
    for (int n = 0; vec != 0 && n < 32; n++, vec >>= 1) {
        if (vec & 1) sum ^= mat[n];
    }
    return sum;
}

static void gf2_square(uint32_t *square, const uint32_t *mat) {
    for (int n = 0; n < 32; n++) square[n] = gf2_times(mat, mat[n]);
}

// The operator that appends `len` zero bytes (a power of two ≥ 1) to a raw (unfinished) CRC register.
static void zeros_operator(uint32_t *even, size_t len) {
    uint32_t odd[32];
    odd[0] = POLY;  // one zero bit
    uint32_t row = 1;
    for (int n = 1; n < 32; n++) {
        odd[n] = row;
        row <<= 1;
    }
    gf2_square(even, odd);  // two zero bits
    gf2_square(odd, even);  // four zero bits
    // Each pass squares again: 8 bits = one byte after the first, doubling the byte count each time.
    do {
        gf2_square(even, odd);
        len >>= 1;
        if (len == 0) return;
        gf2_square(odd, even);
        len >>= 1;
    } while (len != 0);
    for (int n = 0; n < 32; n++) even[n] = odd[n];
}

static void zeros_tables(uint32_t zeros[4][256], size_t len) {
    uint32_t op[32];
    zeros_operator(op, len);
    for (uint32_t n = 0; n < 256; n++) {
        zeros[0][n] = gf2_times(op, n);
        zeros[1][n] = gf2_times(op, n << 8);
        zeros[2][n] = gf2_times(op, n << 16);
        zeros[3][n] = gf2_times(op, n << 24);
    }
}

__attribute__((constructor)) static void vl_crc32c_init_shift_tables(void) {
    zeros_tables(zeros_long, CRC_LONG);
    zeros_tables(zeros_short, CRC_SHORT);
}

static inline uint32_t shift(uint32_t zeros[4][256], uint32_t crc) {
    return zeros[0][crc & 0xff] ^ zeros[1][(crc >> 8) & 0xff] ^ zeros[2][(crc >> 16) & 0xff] ^ zeros[3][crc >> 24];
}

// Rounds of three chains over `stretch` bytes each; returns the bytes consumed.
__attribute__((target("sse4.2")))
static inline size_t three_chains(uint64_t *crc, const unsigned char *p, size_t count, size_t stretch,
                                  uint32_t zeros[4][256]) {
    size_t done = 0;
    uint64_t c0 = *crc;
    while (count - done >= 3 * stretch) {
        const unsigned char *a = p + done, *end = a + stretch;
        uint64_t c1 = 0, c2 = 0;
        do {
            uint64_t w0, w1, w2;
            memcpy(&w0, a, 8); memcpy(&w1, a + stretch, 8); memcpy(&w2, a + 2 * stretch, 8);
            c0 = _mm_crc32_u64(c0, w0);
            c1 = _mm_crc32_u64(c1, w1);
            c2 = _mm_crc32_u64(c2, w2);
            a += 8;
        } while (a < end);
        c0 = shift(zeros, (uint32_t)c0) ^ c1;
        c0 = shift(zeros, (uint32_t)c0) ^ c2;
        done += 3 * stretch;
    }
    *crc = c0;
    return done;
}

__attribute__((target("sse4.2")))
static uint32_t vl_crc32c_extend_sse42(uint32_t crc, const void *data, size_t count) {
    const unsigned char *p = (const unsigned char *)data;
    uint64_t c = ~crc;
    if (count == 0 || p == NULL) return crc;
    while (count > 0 && ((uintptr_t)p & 7) != 0) {
        c = _mm_crc32_u8((uint32_t)c, *p++);
        count--;
    }
    size_t used = three_chains(&c, p, count, CRC_LONG, zeros_long);
    p += used;
    count -= used;
    used = three_chains(&c, p, count, CRC_SHORT, zeros_short);
    p += used;
    count -= used;
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
