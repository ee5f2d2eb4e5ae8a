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
/// Per-address state in chunks of <see cref="ChunkSize"/> entries: a chunk is loaded from the cluster store on
/// first touch (one range read), so an incremental run reads only the chunks its new events touch; only the
/// entries written to are saved back, one row per address, so what a run writes is proportional to what it touched.
/// </summary>
internal sealed class StateTable
{
    public const int ChunkShift = 10;
    public const int ChunkSize = 1 << ChunkShift;
    private const int ChunkMask = ChunkSize - 1;

    private readonly IClusterStore? _source;
    private readonly uint _persistedCount;
    private readonly AddressState[]?[] _chunks;
    private readonly bool[]?[] _dirty;

    /// <summary>Creates a table for ids 0..<paramref name="count"/>; <paramref name="source"/> null means start empty.</summary>
    public StateTable(uint count, IClusterStore? source, uint persistedCount)
    {
        _source = source;
        _persistedCount = persistedCount;
        int chunks = (int)((count >> ChunkShift) + 1);
        _chunks = new AddressState[]?[chunks];
        _dirty = new bool[]?[chunks];
        Count = count;
    }

    /// <summary>Highest id covered.</summary>
    public uint Count { get; }

    /// <summary>The state of an id, for reading and writing (marks it dirty).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref AddressState Get(uint id)
    {
        int c = (int)(id >> ChunkShift);
        var chunk = _chunks[c] ?? Load(c);
        _dirty[c]![id & ChunkMask] = true;
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
        uint first = (uint)c << ChunkShift;
        if (_source is not null && first <= _persistedCount)
        {
            int size = AddressState.Size;
            _source.ReadStates(first, ChunkSize, (id, data) =>
            {
                if (data.Length != size) throw new InvalidDataException($"Cluster state of address {id} has {data.Length} bytes, expected {size}; run a full `chaintrace cluster`.");
                chunk[id - first] = MemoryMarshal.Read<AddressState>(data);
            });
        }
        _chunks[c] = chunk;
        _dirty[c] = new bool[ChunkSize];
        return chunk;
    }

    /// <summary>Writes every entry written to since loading (all-zero ones skipped when <paramref name="skipEmpty"/>: a fresh store); returns how many.</summary>
    public long Save(IClusterBatch batch, bool skipEmpty)
    {
        long written = 0;
        for (int c = 0; c < _chunks.Length; c++)
        {
            if (_chunks[c] is not { } chunk || _dirty[c] is not { } dirty) continue;
            for (int i = 0; i < ChunkSize; i++)
            {
                if (!dirty[i]) continue;
                var bytes = MemoryMarshal.AsBytes(chunk.AsSpan(i, 1));
                if (skipEmpty && !bytes.ContainsAnyExcept((byte)0)) continue;
                batch.PutState(((uint)c << ChunkShift) + (uint)i, bytes);
                written++;
            }
        }
        return written;
    }
}
