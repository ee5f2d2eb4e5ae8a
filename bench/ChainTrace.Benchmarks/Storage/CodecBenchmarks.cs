using BenchmarkDotNet.Attributes;
using ChainTrace.Primitives;
using ChainTrace.Storage;
using ChainTrace.Storage.Encoding;

namespace ChainTrace.Benchmarks.Storage;

/// <summary>Key and value codecs of the store: the per-edge work of the writer and the cursors (0 B allocated).</summary>
[MemoryDiagnoser]
public class CodecBenchmarks
{
    private readonly byte[] _key = new byte[KeyCodec.EdgeKeyLength];
    private readonly byte[] _value = new byte[ValueCodec.MaxEdgeValueLength];
    private int _valueLength;
    private UInt256 _amount = new(1_234_567_890);
    private UInt256 _balance = new UInt256(987_654_321_000).Negate();
    private UInt256 _big = new(ulong.MaxValue, 12345, 678);

    /// <summary>Prepares an encoded edge.</summary>
    [GlobalSetup]
    public void Setup() => _valueLength = ValueCodec.WriteEdge(_value, 123_456, 42, _amount, _balance);

    /// <summary>Edge key: id | token | seq.</summary>
    [Benchmark]
    public uint EdgeKey_WriteRead()
    {
        KeyCodec.WriteEdgeKey(_key, 123_456, 1, 0x00F42400_0001_0002);
        KeyCodec.ReadEdgeKey(_key, out uint id, out uint token, out var seq);
        return id + token + (uint)seq.Value;
    }

    /// <summary>Edge value: counterparty, count, amount, signed balance.</summary>
    [Benchmark]
    public int EdgeValue_Write() => ValueCodec.WriteEdge(_value, 123_456, 42, _amount, _balance);

    /// <summary>Decodes an edge value into an <see cref="Edge"/>.</summary>
    [Benchmark]
    public uint EdgeValue_Read() => ValueCodec.ReadEdge(_value.AsSpan(0, _valueLength), Seq.MinValue).Count;

    /// <summary>A 136-bit amount through the compact codec.</summary>
    [Benchmark]
    public UInt256 BigAmount_RoundTrip()
    {
        int n = ValueCodec.WriteAmount(_value, _big);
        ValueCodec.ReadAmount(_value.AsSpan(0, n), out var back);
        return back;
    }

    /// <summary>A negative balance through the signed codec.</summary>
    [Benchmark]
    public UInt256 Balance_RoundTrip()
    {
        int n = ValueCodec.WriteBalance(_value, _balance);
        ValueCodec.ReadBalance(_value.AsSpan(0, n), out var back);
        return back;
    }

    /// <summary>A transfer value: token, from, to, amount.</summary>
    [Benchmark]
    public uint TransferValue_WriteRead()
    {
        int n = ValueCodec.WriteTransfer(_value, 1, 123_456, 7, _amount);
        return ValueCodec.ReadTransfer(_value.AsSpan(0, n), Seq.MinValue).ToId;
    }
}
