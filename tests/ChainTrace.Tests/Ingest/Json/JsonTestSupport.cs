using System.IO.Compression;
using System.Numerics;
using ChainTrace.Ingest;
using ChainTrace.Primitives;

namespace ChainTrace.Tests.Ingest.Json;

/// <summary>Records every sink call, in order, as one readable line each (so a failing comparison shows the record).</summary>
internal sealed class RecordingSink : IChainEventSink
{
    public List<string> Lines { get; } = [];
    public List<TokenEvent> Events { get; } = [];
    public List<BlockHeader> Blocks { get; } = [];
    public List<TransactionRecord> Transactions { get; } = [];
    public List<(SkipReason Reason, ulong Block)> Skipped { get; } = [];

    public void OnBlock(in BlockHeader block)
    {
        Blocks.Add(block);
        Lines.Add(Canon.Block(block.Number, block.Hash.ToString(), block.ParentHash.ToString(), block.Timestamp, block.TransactionCount));
    }

    public void OnTransaction(in TransactionRecord t)
    {
        Transactions.Add(t);
        Lines.Add(Canon.Tx(t.Block, t.TxIndex, t.Hash.ToString(), t.From.ToString(), t.HasTo ? t.To.ToString() : null,
            t.Value.ToBigInteger(), t.Timestamp));
    }

    public void OnTokenEvent(in TokenEvent e)
    {
        Events.Add(e);
        Lines.Add(Canon.Event(e.Kind.ToString(), e.Block, e.TxIndex, e.LogIndex, e.TxHash.ToString(), e.BlockHash.ToString(),
            e.Timestamp, e.Token.ToString(), e.From.ToString(), e.To.ToString(), e.Amount.ToBigInteger(), e.Removed));
    }

    public void OnSkipped(SkipReason reason, ulong block)
    {
        Skipped.Add((reason, block));
        Lines.Add(Canon.Skip(reason.ToString(), block));
    }

    public int Count(SkipReason reason) => Skipped.Count(s => s.Reason == reason);
}

/// <summary>Counts calls only: allocation-free, for allocation and throughput checks.</summary>
internal sealed class CountingSink : IChainEventSink
{
    public long Events, Blocks, Transactions, Skipped;
    public UInt256 Sum;

    public void OnBlock(in BlockHeader block) => Blocks++;
    public void OnTransaction(in TransactionRecord transaction) => Transactions++;
    public void OnTokenEvent(in TokenEvent tokenEvent)
    {
        Events++;
        Sum += tokenEvent.Amount;
    }
    public void OnSkipped(SkipReason reason, ulong block) => Skipped++;
}

/// <summary>The one line format both the decoder's sink and the reference decoder produce.</summary>
internal static class Canon
{
    public static string Block(ulong number, string hash, string parent, long time, int count) =>
        $"block {number} {hash} parent={parent} t={time} txs={count}";

    public static string Tx(ulong block, uint index, string hash, string from, string? to, BigInteger value, long time) =>
        $"tx {block}/{index} {hash} {from} -> {to ?? "(create)"} value={value} t={time}";

    public static string Event(string kind, ulong block, uint tx, uint log, string txHash, string blockHash, long time,
        string token, string from, string to, BigInteger amount, bool removed) =>
        $"{kind} {block}/{tx}/{log} tx={txHash} bh={blockHash} t={time} token={token} {from} -> {to} amount={amount} removed={removed}";

    public static string Skip(string reason, ulong block) => $"skip {reason} {block}";
}

/// <summary>Paths of the copied real-data fixtures.</summary>
internal static class Fixtures
{
    public static string Path(params string[] parts) =>
        System.IO.Path.Combine([AppContext.BaseDirectory, "fixtures", .. parts]);

    public static string Eth(params string[] parts) => Path(["ethereum-mainnet", .. parts]);

    public static readonly Address Usdt = Address.Parse("0xdAC17F958D2ee523a2206206994597C13D831ec7");

    public static byte[] Gzip(byte[] data)
    {
        var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(data);
        return ms.ToArray();
    }
}

/// <summary>A read-only stream that hands out at most a few bytes per read (chunk sizes from a seeded random), to put record and token boundaries everywhere.</summary>
internal sealed class ChunkyStream(byte[] data, int seed, int maxChunk) : Stream
{
    private readonly Random _random = new(seed);
    private int _position;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => data.Length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }
    public override void Flush() { }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = Math.Min(Math.Min(buffer.Length, data.Length - _position), _random.Next(1, maxChunk + 1));
        data.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>Hands out the first <c>split</c> bytes in one read, then the rest.</summary>
internal sealed class SplitStream(byte[] data, int split) : Stream
{
    private int _position;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => data.Length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int end = _position < split ? split : data.Length;
        int n = Math.Min(buffer.Length, end - _position);
        data.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
