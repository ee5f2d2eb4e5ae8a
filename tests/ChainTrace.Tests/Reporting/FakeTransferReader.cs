using ChainTrace.Primitives;
using ChainTrace.Storage;

namespace ChainTrace.Tests.Reporting;

/// <summary>
/// A list-backed <see cref="IChainReader"/> holding just transfers, blocks and tx hashes: the plain reference
/// the export is compared against (only the members an export reads are implemented).
/// </summary>
internal sealed class FakeTransferReader(ChainProfile profile) : IChainReader
{
    public List<Address> Addresses { get; } = [];
    public List<TransferRecord> Transfers { get; } = [];
    public Dictionary<ulong, long> BlockTimes { get; } = [];
    public Dictionary<(ulong, uint), Hash32> TxHashes { get; } = [];
    public Dictionary<uint, Address> Tokens { get; } = [];

    public ChainProfile Profile => profile;
    public uint AddressCount => (uint)Addresses.Count;
    public ulong? IndexedHead => Transfers.Count == 0 ? null : Transfers[^1].Seq.Block;

    public uint Intern(Address a)
    {
        int i = Addresses.IndexOf(a);
        if (i >= 0) return (uint)i + 1;
        Addresses.Add(a);
        return (uint)Addresses.Count;
    }

    public Address GetAddress(uint id) => Addresses[(int)id - 1];
    public bool TryGetAddressId(Address address, out uint id)
    {
        int i = Addresses.IndexOf(address);
        id = (uint)(i + 1);
        return i >= 0;
    }
    public bool TryGetTokenId(Address contract, out uint tokenId)
    {
        foreach (var (id, c) in Tokens)
            if (c == contract) { tokenId = id; return true; }
        tokenId = 0;
        return false;
    }
    public IEnumerable<TransferRecord> ScanTransfers(Seq from, Seq to) =>
        Transfers.Where(t => t.Seq >= from && t.Seq <= to).OrderBy(t => t.Seq);
    public bool TryGetBlockTimestamp(ulong block, out long unixSeconds) => BlockTimes.TryGetValue(block, out unixSeconds);
    public bool TryGetTxHash(ulong block, uint txIndex, out Hash32 hash) => TxHashes.TryGetValue((block, txIndex), out hash);

    public IReadOnlyList<AddressLabel> GetLabels(uint id) => [];
    public IEdgeCursor OpenEdges(EdgeDirection direction, uint id, uint tokenId, Seq from, bool descending = false) => throw new NotSupportedException();
    public bool TryGetLastEdge(EdgeDirection direction, uint id, uint tokenId, out Edge edge) => throw new NotSupportedException();
    public bool TryGetEdgeAtOrBefore(EdgeDirection direction, uint id, uint tokenId, Seq atOrBefore, out Edge edge) => throw new NotSupportedException();
    public bool IsBlacklisted(uint id, uint tokenId) => false;
    public IEnumerable<NativeTransferRecord> ScanNativeTransfers(Seq from, Seq to) => [];
    public IEnumerable<ApprovalRecord> ScanApprovals(Seq from, Seq to) => [];
    public IEnumerable<BlacklistRecord> ScanBlacklist() => [];
    public bool TryGetTransaction(ulong block, uint txIndex, out TxRecord transaction) { transaction = default; return false; }
    public IEnumerable<uint> LabelledAddressIds() => [];
}
