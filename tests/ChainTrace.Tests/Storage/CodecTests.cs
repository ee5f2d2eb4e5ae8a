using System.Numerics;
using ChainTrace.Primitives;
using ChainTrace.Storage;
using ChainTrace.Storage.Encoding;
using FsCheck.Xunit;
using Xunit;

namespace ChainTrace.Tests.Storage;

public sealed class CodecTests
{
    /// <summary>A 256-bit value whose size varies: <paramref name="bytes"/> picks how many low bytes survive.</summary>
    private static UInt256 Value(ulong a, ulong b, ulong c, ulong d, byte bytes)
    {
        var v = new UInt256(a, b, c, d).ToBigInteger();
        var mask = (BigInteger.One << (8 * (bytes % 33))) - 1;
        return UInt256.FromBigInteger(v & mask);
    }

    [Property]
    public bool EdgeKey_RoundTrips(uint id, uint token, ulong seq)
    {
        Span<byte> key = stackalloc byte[KeyCodec.EdgeKeyLength];
        KeyCodec.WriteEdgeKey(key, id, token, seq);
        KeyCodec.ReadEdgeKey(key, out uint id2, out uint token2, out var seq2);
        return id2 == id && token2 == token && seq2.Value == seq;
    }

    [Property]
    public bool EdgeKey_ByteOrder_IsNumericOrder(uint id1, uint token1, ulong seq1, uint id2, uint token2, ulong seq2, bool sameOwner)
    {
        if (sameOwner) { id2 = id1; token2 = token1; }
        var a = new byte[KeyCodec.EdgeKeyLength];
        var b = new byte[KeyCodec.EdgeKeyLength];
        KeyCodec.WriteEdgeKey(a, id1, token1, seq1);
        KeyCodec.WriteEdgeKey(b, id2, token2, seq2);
        int expected = (id1, token1, seq1).CompareTo((id2, token2, seq2));
        return Math.Sign(a.AsSpan().SequenceCompareTo(b)) == Math.Sign(expected);
    }

    [Property]
    public bool EdgePrefixEnd_BoundsExactlyTheOwnersKeys(uint id, uint token, ulong seq, uint otherId, uint otherToken, ulong otherSeq)
    {
        var upper = new byte[KeyCodec.EdgeKeyLength];
        if (!KeyCodec.WriteEdgePrefixEnd(upper, id, token)) return id == uint.MaxValue && token == uint.MaxValue;
        var inside = new byte[KeyCodec.EdgeKeyLength];
        KeyCodec.WriteEdgeKey(inside, id, token, seq);
        var other = new byte[KeyCodec.EdgeKeyLength];
        KeyCodec.WriteEdgeKey(other, otherId, otherToken, otherSeq);
        bool otherIsAfter = (otherId, otherToken).CompareTo((id, token)) > 0;
        return inside.AsSpan().SequenceCompareTo(upper) < 0
            && (otherIsAfter == (other.AsSpan().SequenceCompareTo(upper) >= 0) || (otherId, otherToken) == (id, token));
    }

    [Property]
    public bool SeqAndTxAndIdSeqKeys_OrderNumerically(ulong s1, ulong s2, uint b1, ushort t1, uint b2, ushort t2)
    {
        var a = new byte[8];
        var b = new byte[8];
        KeyCodec.WriteSeq(a, s1);
        KeyCodec.WriteSeq(b, s2);
        var x = new byte[6];
        var y = new byte[6];
        KeyCodec.WriteTxKey(x, b1, t1);
        KeyCodec.WriteTxKey(y, b2, t2);
        KeyCodec.ReadTxKey(x, out uint rb, out ushort rt);
        var p = new byte[12];
        var q = new byte[12];
        KeyCodec.WriteIdSeq(p, b1, s1);
        KeyCodec.WriteIdSeq(q, b2, s2);
        KeyCodec.ReadIdSeq(p, out uint pid, out var pseq);
        return Math.Sign(a.AsSpan().SequenceCompareTo(b)) == s1.CompareTo(s2)
            && Math.Sign(x.AsSpan().SequenceCompareTo(y)) == Math.Sign((b1, t1).CompareTo((b2, t2)))
            && Math.Sign(p.AsSpan().SequenceCompareTo(q)) == Math.Sign((b1, s1).CompareTo((b2, s2)))
            && rb == b1 && rt == t1 && pid == b1 && pseq.Value == s1 && KeyCodec.ReadSeq(a).Value == s1;
    }

    [Property]
    public bool Amount_RoundTrips_AndIsMinimal(ulong a, ulong b, ulong c, ulong d, byte bytes)
    {
        var v = Value(a, b, c, d, bytes);
        Span<byte> buf = stackalloc byte[ValueCodec.MaxAmountLength];
        int n = ValueCodec.WriteAmount(buf, v);
        int m = ValueCodec.ReadAmount(buf[..n], out var back);
        return back == v && m == n && n == 1 + v.ByteLength;
    }

    [Property]
    public bool Balance_RoundTrips_SignedValues(ulong a, ulong b, ulong c, ulong d, byte bytes, bool negative)
    {
        var v = Value(a, b, c, d, bytes);
        if (negative) v = v.Negate();
        Span<byte> buf = stackalloc byte[ValueCodec.MaxAmountLength];
        int n = ValueCodec.WriteBalance(buf, v);
        int m = ValueCodec.ReadBalance(buf[..n], out var back);
        return back == v && m == n && back.ToSignedBigInteger() == v.ToSignedBigInteger();
    }

    [Fact]
    public void Amount_And_Balance_Extremes_RoundTrip()
    {
        var min = UInt256.FromBigInteger(BigInteger.One << 255); // the most negative balance
        Span<byte> buf = stackalloc byte[ValueCodec.MaxAmountLength];
        foreach (var v in new[] { UInt256.Zero, UInt256.One, UInt256.MaxValue, min, min - UInt256.One, UInt256.MaxValue.Negate(), new UInt256(ulong.MaxValue) })
        {
            int n = ValueCodec.WriteAmount(buf, v);
            ValueCodec.ReadAmount(buf[..n], out var a);
            Assert.Equal(v, a);
            n = ValueCodec.WriteBalance(buf, v);
            Assert.True(n <= ValueCodec.MaxAmountLength);
            ValueCodec.ReadBalance(buf[..n], out var b);
            Assert.Equal(v, b);
        }
        Span<byte> one = stackalloc byte[ValueCodec.MaxAmountLength];
        Assert.Equal(33, ValueCodec.WriteAmount(one, UInt256.MaxValue));
        Assert.Equal(2, ValueCodec.WriteBalance(one, UInt256.MaxValue)); // −1: sign bit + one magnitude byte
        Assert.Equal(0x81, one[0]);
        Assert.Equal(1, ValueCodec.WriteAmount(one, UInt256.Zero));
    }

    [Fact]
    public void Malformed_Values_Throw_StoreException()
    {
        Assert.Throws<StoreException>(() => ValueCodec.ReadAmount([33, 1], out _));
        Assert.Throws<StoreException>(() => ValueCodec.ReadAmount([3, 1, 2], out _));
        Assert.Throws<StoreException>(() => ValueCodec.ReadBalance([0x80], out _)); // negative zero
        Assert.Throws<StoreException>(() => ValueCodec.ReadVarint([0xFF, 0xFF, 0xFF, 0xFF, 0xFF], out _));
        Assert.Throws<StoreException>(() => ValueCodec.ReadVarint([0x80], out _));
        Assert.Throws<StoreException>(() => ValueCodec.ReadEdge([1, 1, 0, 0, 7], Seq.MinValue)); // trailing byte
    }

    [Property]
    public bool Varint_RoundTrips(uint v)
    {
        Span<byte> buf = stackalloc byte[ValueCodec.MaxVarintLength];
        int n = ValueCodec.WriteVarint(buf, v);
        int m = ValueCodec.ReadVarint(buf[..n], out uint back);
        return back == v && m == n && n == (v < 1 << 7 ? 1 : v < 1 << 14 ? 2 : v < 1 << 21 ? 3 : v < 1 << 28 ? 4 : 5);
    }

    [Property]
    public bool EdgeValue_RoundTrips(uint counterparty, uint count, ulong a, ulong b, byte bytes, ulong c, bool negative, ulong seq)
    {
        var amount = Value(a, b, 0, 0, bytes);
        var balance = Value(c, a, b, 0, (byte)(bytes + 7));
        if (negative) balance = balance.Negate();
        Span<byte> buf = stackalloc byte[ValueCodec.MaxEdgeValueLength];
        int n = ValueCodec.WriteEdge(buf, counterparty, count, amount, balance);
        var e = ValueCodec.ReadEdge(buf[..n], new Seq(seq));
        return e == new Edge(new Seq(seq), counterparty, amount, balance, count);
    }

    [Property]
    public bool TransferValue_RoundTrips(uint token, uint from, uint to, ulong a, ulong b, byte bytes, ulong seq)
    {
        var amount = Value(a, b, a, b, bytes);
        Span<byte> buf = stackalloc byte[ValueCodec.MaxTransferValueLength];
        int n = ValueCodec.WriteTransfer(buf, token, from, to, amount);
        return ValueCodec.ReadTransfer(buf[..n], new Seq(seq)) == new TransferRecord(new Seq(seq), token, from, to, amount);
    }

    [Property]
    public bool TokenInfo_RoundTrips(ulong a, ulong b, uint c, byte decimals, bool hasIssuer, string? symbol)
    {
        Span<byte> bytes = stackalloc byte[20];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bytes, a);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], b);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes[16..], c);
        var contract = new Address(bytes);
        var token = new TokenInfo(symbol ?? "", contract, decimals, hasIssuer ? Address.Zero : null);
        var back = TokenTable.Decode(TokenTable.Encode(token));
        // Lone surrogates do not survive UTF-8; compare through the same transformation.
        var expectedSymbol = System.Text.Encoding.UTF8.GetString(System.Text.Encoding.UTF8.GetBytes(token.Symbol));
        return back == token with { Symbol = expectedSymbol };
    }
}
