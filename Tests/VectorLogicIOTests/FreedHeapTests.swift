import Testing
import VectorLogicIO

/// `FreedHeap.release()` reaches glibc's `malloc_trim` and gives back pages freed between live blocks, which freeing
/// alone leaves mapped (only the top of an arena shrinks on `free`).
struct FreedHeapTests {
    @Test func freedPagesBetweenLiveBlocksAreReleased() {
        // 8,192 blocks of 8 KiB, every other one freed: 32 MiB of free pages that no `free` can return on its own,
        // because a live block follows each hole.
        let blocks = (0..<8_192).map { _ -> UnsafeMutableRawPointer in
            let block = UnsafeMutableRawPointer.allocate(byteCount: 8_192, alignment: 16)
            block.initializeMemory(as: UInt8.self, repeating: 1, count: 8_192)  // touched: resident
            return block
        }
        for (i, block) in blocks.enumerated() where i % 2 == 0 { block.deallocate() }
        #expect(FreedHeap.release(), "malloc_trim found no free page to release")
        for (i, block) in blocks.enumerated() where i % 2 == 1 { block.deallocate() }
    }
}
