using System.Numerics;
using ChainTrace.Primitives;
using ChainTrace.Storage.Memory;
using ChainTrace.Tracing;

namespace ChainTrace.Tests.Tracing;

/// <summary>
/// Builds a small token history for tracing tests, once as a <see cref="MemoryChainStore"/> (what the engine
/// reads) and once as a plain list (what the oracle replays). Amounts are given in base units.
/// </summary>
public sealed class ChainBuilder
{
    private readonly List<OracleTransfer> _transfers = [];
    private readonly Dictionary<Address, AddressLabel[]> _labels = [];
    private ulong _block = 1;
    private uint _tx;
    private uint _log;

    public ChainBuilder(ChainProfile? profile = null)
    {
        Profile = profile ?? ChainProfile.Ethereum;
    }

    public ChainProfile Profile { get; }

    public IReadOnlyList<OracleTransfer> Transfers => _transfers;

    public IReadOnlyDictionary<Address, AddressLabel[]> Labels => _labels;

    /// <summary>A deterministic non-zero test address.</summary>
    public static Address Addr(int n)
    {
        Span<byte> b = stackalloc byte[20];
        b.Clear();
        b[0] = 0xAA;
        b[16] = (byte)(n >> 24);
        b[17] = (byte)(n >> 16);
        b[18] = (byte)(n >> 8);
        b[19] = (byte)n;
        return new Address(b);
    }

    /// <summary>Moves to a later block (the next transfer starts a new block).</summary>
    public ChainBuilder NextBlock(ulong step = 1)
    {
        _block += step;
        _tx = 0;
        _log = 0;
        return this;
    }

    /// <summary>Current block.</summary>
    public ulong Block => _block;

    /// <summary>Adds a transfer in a new transaction of the current block.</summary>
    public Seq Transfer(Address from, Address to, BigInteger amount)
    {
        var seq = Seq.ForLog(_block, _tx, _log);
        _tx++;
        _log++;
        _transfers.Add(new OracleTransfer(seq, from, to, amount));
        return seq;
    }

    /// <summary>Adds a transfer as another log of the previous transaction.</summary>
    public Seq SameTx(Address from, Address to, BigInteger amount)
    {
        var seq = Seq.ForLog(_block, _tx - 1, _log);
        _log++;
        _transfers.Add(new OracleTransfer(seq, from, to, amount));
        return seq;
    }

    /// <summary>Labels an address.</summary>
    public ChainBuilder Label(Address address, string category, string name)
    {
        var l = new AddressLabel(category, name, "test");
        _labels[address] = _labels.TryGetValue(address, out var old) ? [.. old, l] : [l];
        return this;
    }

    /// <summary>The store the engine reads.</summary>
    public MemoryChainStore Build()
    {
        var store = new MemoryChainStore(Profile);
        var token = Profile.DefaultToken.Contract;
        foreach (var t in _transfers) store.AddTransfer(t.Seq, token, t.From, t.To, UInt256.FromBigInteger(t.Amount));
        foreach (var (a, ls) in _labels)
            foreach (var l in ls) store.AddLabel(a, l);
        ulong last = 0;
        foreach (var t in _transfers) last = Math.Max(last, t.Seq.Block);
        for (ulong b = 0; b <= last; b++)
        {
            var header = new ChainTrace.Ingest.BlockHeader { Number = b, Timestamp = 1_600_000_000 + (long)b * 12 };
            store.OnBlock(in header);
        }
        return store;
    }

    /// <summary>The oracle over the same history.</summary>
    public OracleTracer Oracle() => new(_transfers, _labels);

    /// <summary>Traces on a freshly built store.</summary>
    public TraceResult Trace(TraceOptions options) => new Tracer(Build()).Trace(options);
}
