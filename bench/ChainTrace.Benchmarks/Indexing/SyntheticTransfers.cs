using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using ChainTrace.Ingest;
using ChainTrace.Primitives;

namespace ChainTrace.Benchmarks.Indexing;

/// <summary>
/// A deterministic stream of USDT transfers for benchmarks: a pool of addresses picked with a power-law bias (a few
/// hot wallets, a long tail), log-uniform amounts, one transfer per transaction, <see cref="PerBlock"/> per block,
/// random-looking transaction and block hashes (incompressible, as on chain).
/// </summary>
internal sealed class SyntheticTransfers
{
    private readonly Address[] _pool;
    private readonly ulong _seed;

    public SyntheticTransfers(long transfers, ulong seed = 1, int perBlock = 20)
    {
        _seed = seed;
        PerBlock = perBlock;
        int pool = (int)Math.Clamp(transfers / 4, 1_000, 4_000_000);
        _pool = new Address[pool];
        Span<byte> b = stackalloc byte[20];
        for (int i = 0; i < pool; i++)
        {
            ulong s = seed * 0x9E3779B97F4A7C15UL + (ulong)i;
            BinaryPrimitives.WriteUInt64BigEndian(b, Mix(ref s));
            BinaryPrimitives.WriteUInt64BigEndian(b[8..], Mix(ref s));
            BinaryPrimitives.WriteUInt32BigEndian(b[16..], (uint)Mix(ref s));
            _pool[i] = new Address(b);
        }
    }

    public const ulong FirstBlock = 10_000_000;

    public int PerBlock { get; }

    public int Addresses => _pool.Length;

    public static readonly Address Usdt = ChainProfile.Ethereum.DefaultToken.Contract;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mix(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static Hash32 HashOf(ulong a, ulong b)
    {
        Span<byte> h = stackalloc byte[32];
        ulong s = a * 31 + b;
        BinaryPrimitives.WriteUInt64BigEndian(h, Mix(ref s));
        BinaryPrimitives.WriteUInt64BigEndian(h[8..], Mix(ref s));
        BinaryPrimitives.WriteUInt64BigEndian(h[16..], Mix(ref s));
        BinaryPrimitives.WriteUInt64BigEndian(h[24..], Mix(ref s));
        return new Hash32(h);
    }

    /// <summary>Fills the <paramref name="index"/>-th transfer.</summary>
    public void Fill(long index, ref TokenEvent e)
    {
        ulong s = _seed ^ ((ulong)index * 0xD1B54A32D192ED03UL);
        ulong block = FirstBlock + (ulong)(index / PerBlock);
        uint tx = (uint)(index % PerBlock);
        e.Kind = TokenEventKind.Transfer;
        e.Block = block;
        e.TxIndex = tx;
        e.LogIndex = tx;
        e.TxHash = HashOf(block, tx + 1);
        e.BlockHash = HashOf(block, 0);
        e.Timestamp = 1_600_000_000 + (long)block * 12;
        e.Token = Usdt;
        e.From = Pick(Mix(ref s));
        e.To = Pick(Mix(ref s));
        double u = (Mix(ref s) >> 11) * (1.0 / (1UL << 53));
        e.Amount = new UInt256((ulong)Math.Exp(u * 27.6) + 1); // 1 .. ~10^12 base units (up to a million USDT)
        e.Removed = false;
    }

    private Address Pick(ulong r)
    {
        double u = (r >> 11) * (1.0 / (1UL << 53));
        return _pool[(int)(_pool.Length * u * u * u)];
    }

    /// <summary>Pushes transfers [from, from + count) into a sink.</summary>
    public void Push(IChainEventSink sink, long from, long count)
    {
        var e = default(TokenEvent);
        for (long i = from; i < from + count; i++)
        {
            Fill(i, ref e);
            sink.OnTokenEvent(e);
        }
    }
}

/// <summary>A sink that only counts (measures the generator or a decoder alone).</summary>
internal sealed class CountingSink : IChainEventSink
{
    public long Events;

    public void OnBlock(in BlockHeader block) => Events++;

    public void OnTransaction(in TransactionRecord transaction) => Events++;

    public void OnTokenEvent(in TokenEvent tokenEvent) => Events += tokenEvent.Amount.IsZero ? 2 : 1;

    public void OnSkipped(SkipReason reason, ulong block)
    {
    }
}
