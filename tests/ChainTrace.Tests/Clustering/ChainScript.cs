using System.Buffers.Binary;
using ChainTrace.Clustering;
using ChainTrace.Ingest;
using ChainTrace.Primitives;
using ChainTrace.Storage.Memory;

namespace ChainTrace.Tests.Clustering;

/// <summary>
/// Writes a small chain history into a <see cref="MemoryChainStore"/> the way decoders would: transactions
/// (with sender and native value) then their token logs, in seq order. Addresses are named by number.
/// </summary>
internal sealed class ChainScript
{
    public const ulong Usdt = 1_000_000; // one USDT in base units

    private uint _txIndex;
    private uint _logIndex;
    private ulong _block = 1000;
    private ulong _txCounter;

    public ChainScript(ChainProfile? profile = null)
    {
        Store = new MemoryChainStore(profile ?? ChainProfile.Ethereum);
        Token = Store.Profile.DefaultToken.Contract;
    }

    public MemoryChainStore Store { get; }

    public Address Token { get; }

    public ulong Block => _block;

    /// <summary>A distinct, non-zero address for a number.</summary>
    public static Address A(int n)
    {
        Span<byte> b = stackalloc byte[20];
        b.Clear();
        b[0] = 0xC0;
        BinaryPrimitives.WriteInt32BigEndian(b[16..], n);
        return new Address(b);
    }

    /// <summary>Moves to a later block (txs in it are numbered from 0).</summary>
    public ChainScript At(ulong block)
    {
        if (block < _block) throw new InvalidOperationException("Blocks go forward.");
        if (block != _block) { _block = block; _txIndex = 0; _logIndex = 0; }
        return this;
    }

    /// <summary>Advances by some blocks.</summary>
    public ChainScript Wait(ulong blocks) => At(_block + blocks);

    private Seq BeginTx(Address sender, Address to, UInt256 value)
    {
        _txCounter++;
        Span<byte> h = stackalloc byte[32];
        h.Clear();
        BinaryPrimitives.WriteUInt64BigEndian(h[24..], _txCounter);
        h[0] = 0xAB;
        var tx = new TransactionRecord
        {
            Block = _block, TxIndex = _txIndex, Hash = new Hash32(h), From = sender, To = to, HasTo = true, Value = value,
            Timestamp = 1_700_000_000 + (long)_block * 12,
        };
        Store.OnTransaction(tx);
        var seq = tx.Seq;
        _txIndex++;
        return seq;
    }

    private Seq Log(TokenEventKind kind, Address from, Address to, UInt256 amount)
    {
        var e = new TokenEvent
        {
            Kind = kind, Block = _block, TxIndex = _txIndex - 1, LogIndex = _logIndex++, Token = Token, From = from, To = to, Amount = amount,
            Timestamp = 1_700_000_000 + (long)_block * 12,
        };
        Store.TryGetTxHash(_block, _txIndex - 1, out e.TxHash);
        Store.OnTokenEvent(e);
        return e.Seq;
    }

    /// <summary>A token transfer in its own transaction sent by <paramref name="from"/>; returns the transfer's seq.</summary>
    public Seq Transfer(Address from, Address to, ulong amount)
    {
        BeginTx(from, Token, UInt256.Zero);
        return Log(TokenEventKind.Transfer, from, to, amount);
    }

    /// <summary>A transferFrom: a transaction sent by <paramref name="sender"/> moving <paramref name="owner"/>'s tokens.</summary>
    public Seq TransferFrom(Address sender, Address owner, Address to, ulong amount)
    {
        BeginTx(sender, Token, UInt256.Zero);
        return Log(TokenEventKind.Transfer, owner, to, amount);
    }

    /// <summary>An Approval by <paramref name="owner"/> of <paramref name="spender"/>.</summary>
    public Seq Approve(Address owner, Address spender, ulong amount)
    {
        BeginTx(owner, Token, UInt256.Zero);
        return Log(TokenEventKind.Approval, owner, spender, amount);
    }

    /// <summary>A native-coin transfer (1 ETH unless said); returns its seq.</summary>
    public Seq Native(Address from, Address to, ulong wei = 1_000_000_000_000_000_000)
    {
        return BeginTx(from, to, wei);
    }

    /// <summary>Labels an address.</summary>
    public ChainScript Label(Address address, string category, string name)
    {
        Store.AddLabel(address, new AddressLabel(category, name, "test"));
        return this;
    }

    public uint Id(Address a) => Store.TryGetAddressId(a, out var id) ? id : throw new InvalidOperationException($"{a} unknown.");

    public Clusterer Clusterer(out MemoryClusterStore clusters, ClusterOptions? options = null)
    {
        clusters = new MemoryClusterStore();
        return new Clusterer(Store, clusters, options);
    }

    /// <summary>Runs a full clustering and returns the clusterer.</summary>
    public Clusterer Cluster(ClusterOptions? options = null)
    {
        var c = Clusterer(out _, options);
        c.Run(options);
        return c;
    }
}

internal static class ClustererAssertions
{
    public static bool Together(this Clusterer c, Address a, Address b) =>
        c.GetCluster(a)!.ClusterId == c.GetCluster(b)!.ClusterId;
}
