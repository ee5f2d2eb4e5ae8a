using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ChainTrace.Clustering;

/// <summary>
/// What the streaming heuristics remember about one address between events (and between runs, persisted in
/// chunks). Amounts are in the watched token's base units, saturating at 2^64 − 1.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
internal struct AddressState
{
    /// <summary><see cref="Target"/> value of an address that swept to more than one target.</summary>
    public const uint MultipleTargets = uint.MaxValue;

    /// <summary><see cref="Funder"/> value of an address that was not fresh when it first received native coin.</summary>
    public const uint NotFresh = uint.MaxValue;

    // ---- deposit-address reuse ----
    /// <summary>Received since the last outflow and not yet forwarded.</summary>
    public ulong Pending;
    /// <summary>Forwarded to <see cref="Target"/> in sweeps that matched the pending amount in time.</summary>
    public ulong Forwarded;
    /// <summary>Sent in outflows that were not matching sweeps.</summary>
    public ulong Other;
    /// <summary>Received and left unswept past the delay bound.</summary>
    public ulong Expired;
    /// <summary>Running balance of the watched token (clamped at 0 when history before the indexed range is missing).</summary>
    public ulong Balance;
    /// <summary>Block of the oldest unswept inflow.</summary>
    public uint PendingSince;
    /// <summary>The one address this address sweeps to (0: none yet; <see cref="MultipleTargets"/>).</summary>
    public uint Target;
    /// <summary>The target under which this address is counted as a deposit candidate (0: not a candidate).</summary>
    public uint CountedTarget;
    /// <summary>Number of deposit candidates sweeping into this address.</summary>
    public uint Depositors;

    // ---- gas funding ----
    /// <summary>Seq of this address's first native inflow.</summary>
    public ulong FundSeq;
    /// <summary>Seq of its first token outflow after that funding (0: none yet).</summary>
    public ulong MoveSeq;
    /// <summary>Sender of its first native inflow if it was fresh then (0: never funded; <see cref="NotFresh"/>).</summary>
    public uint Funder;
    /// <summary>Fresh addresses this address funded first.</summary>
    public uint FundedCount;
    /// <summary>Head of this funder's list of funded addresses (0: empty).</summary>
    public uint FirstFundee;
    /// <summary>Next address in its funder's list (0: end).</summary>
    public uint NextFundee;

    /// <summary><see cref="AddressFlags"/>.</summary>
    public uint Flags;

    /// <summary>Size in bytes (persisted chunks depend on it).</summary>
    public static int Size => Unsafe.SizeOf<AddressState>();
}

/// <summary>Bits of <see cref="AddressState.Flags"/>.</summary>
[Flags]
internal enum AddressFlags : uint
{
    None = 0,
    /// <summary>Has sent a token or native transfer (no longer fresh).</summary>
    Sent = 1,
    /// <summary>Detected (confirmed) deposit address.</summary>
    Deposit = 2,
    /// <summary>Hot wallet: labelled, or enough deposit candidates sweep into it.</summary>
    Hot = 4,
}

/// <summary>
/// Per-address state in chunks of <see cref="ChunkSize"/> entries, loaded from the cluster store on first
/// touch (so an incremental run reads only the chunks its new events touch) and written back when dirty.
/// </summary>
internal sealed class StateTable
{
    public const int ChunkShift = 10;
    public const int ChunkSize = 1 << ChunkShift;
    private const int ChunkMask = ChunkSize - 1;

    private readonly IClusterStore? _source;
    private readonly uint _persistedCount;
    private AddressState[]?[] _chunks;
    private bool[] _dirty;

    /// <summary>Creates a table for ids 0..<paramref name="count"/>; <paramref name="source"/> null means start empty.</summary>
    public StateTable(uint count, IClusterStore? source, uint persistedCount)
    {
        _source = source;
        _persistedCount = persistedCount;
        int chunks = (int)((count >> ChunkShift) + 1);
        _chunks = new AddressState[]?[chunks];
        _dirty = new bool[chunks];
        Count = count;
    }

    /// <summary>Highest id covered.</summary>
    public uint Count { get; private set; }

    /// <summary>The state of an id, for reading and writing (marks its chunk dirty).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref AddressState Get(uint id)
    {
        int c = (int)(id >> ChunkShift);
        var chunk = _chunks[c] ?? Load(c);
        _dirty[c] = true;
        return ref chunk[id & ChunkMask];
    }

    /// <summary>The state of an id for reading only.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref readonly AddressState Peek(uint id)
    {
        int c = (int)(id >> ChunkShift);
        var chunk = _chunks[c] ?? Load(c);
        return ref chunk[id & ChunkMask];
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private AddressState[] Load(int c)
    {
        var chunk = new AddressState[ChunkSize];
        if (_source is not null && ((uint)c << ChunkShift) <= _persistedCount)
            _source.TryReadState((uint)c, MemoryMarshal.AsBytes(chunk.AsSpan()));
        _chunks[c] = chunk;
        return chunk;
    }

    /// <summary>Writes every dirty chunk to the batch.</summary>
    public int Save(IClusterBatch batch)
    {
        int written = 0;
        for (int c = 0; c < _chunks.Length; c++)
        {
            if (!_dirty[c] || _chunks[c] is not { } chunk) continue;
            batch.PutState((uint)c, MemoryMarshal.AsBytes(chunk.AsSpan()));
            written++;
        }
        return written;
    }

    /// <summary>Number of chunks in memory.</summary>
    public int LoadedChunks
    {
        get
        {
            int n = 0;
            foreach (var c in _chunks) if (c is not null) n++;
            return n;
        }
    }
}
