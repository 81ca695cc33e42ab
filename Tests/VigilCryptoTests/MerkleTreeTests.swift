import Foundation
import Testing
import VigilCrypto

@Suite struct MerkleTreeTests {
    /// The leaf inputs of the RFC 6962 reference test vectors (certificate-transparency's merkle tree tests).
    static let rfcInputs: [[UInt8]] = [
        [], [0x00], [0x10], [0x20, 0x21], [0x30, 0x31], [0x40, 0x41, 0x42, 0x43],
        Array(0x50...0x57), Array(0x60...0x6f),
    ]

    /// Their roots for 1…8 leaves, cross-checked against an independent Python implementation of MTH.
    static let rfcRoots = [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ]

    @Test func theEmptyTreeIsTheHashOfNothing() {
        #expect(hex(MerkleHash.root(leafHashes: [])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(MerkleAccumulator().root() == MerkleHash.emptyRoot)
        #expect(MerkleAccumulator().size == 0)
    }

    @Test func leafAndNodeHashesArePrefixedSoALeafCannotPassAsANode() {
        #expect(hex(MerkleHash.leaf(Data())) == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")
        let a = MerkleHash.leaf(Data("a".utf8)), b = MerkleHash.leaf(Data("b".utf8))
        #expect(MerkleHash.node(a, b) != MerkleHash.leaf(a + b))
        #expect(MerkleHash.node(a, b) != MerkleHash.node(b, a))
    }

    @Test(arguments: 1...8) func bothRootsMatchTheRFC6962Vectors(size: Int) {
        let leaves = Self.rfcInputs.prefix(size).map { MerkleHash.leaf(Data($0)) }
        #expect(hex(MerkleHash.root(leafHashes: leaves)) == Self.rfcRoots[size - 1])
        var accumulator = MerkleAccumulator()
        for leaf in leaves { accumulator.append(leafHash: leaf) }
        #expect(hex(accumulator.root()) == Self.rfcRoots[size - 1])
    }

    @Test func aSevenLeafTreeSplitsAtFour() {
        let l = (0..<7).map { MerkleHash.leaf(Data([UInt8($0)])) }
        let left = MerkleHash.node(MerkleHash.node(l[0], l[1]), MerkleHash.node(l[2], l[3]))
        let right = MerkleHash.node(MerkleHash.node(l[4], l[5]), l[6])
        #expect(MerkleHash.root(leafHashes: l) == MerkleHash.node(left, right))
    }

    @Test func theAccumulatorAgreesWithTheRecursiveDefinitionAtEverySizeUpTo70() {
        var accumulator = MerkleAccumulator()
        var leaves: [Data] = []
        #expect(accumulator.root() == MerkleHash.root(leafHashes: leaves))
        for i in 0..<70 {
            let leaf = MerkleHash.leaf(Data("entry \(i)".utf8))
            leaves.append(leaf)
            accumulator.append(leafHash: leaf)
            #expect(accumulator.size == leaves.count)
            #expect(accumulator.root() == MerkleHash.root(leafHashes: leaves), "size \(leaves.count)")
        }
    }

    @Test func everyLeafAffectsTheRootAndOrderMatters() {
        let leaves = (0..<13).map { MerkleHash.leaf(Data([UInt8($0)])) }
        let root = MerkleHash.root(leafHashes: leaves)
        for i in leaves.indices {
            var changed = leaves
            changed[i] = MerkleHash.leaf(Data([0xFF]))
            #expect(MerkleHash.root(leafHashes: changed) != root, "leaf \(i)")
        }
        var swapped = leaves
        swapped.swapAt(3, 4)
        #expect(MerkleHash.root(leafHashes: swapped) != root)
        #expect(MerkleHash.root(leafHashes: Array(leaves.dropLast())) != root)
    }

    private func hex(_ data: Data) -> String { data.map { String(format: "%02x", $0) }.joined() }
}
