using System.Globalization;
using System.Numerics;
using ChainTrace.Primitives;
using FsCheck.Xunit;
using Xunit;

namespace ChainTrace.Tests.Primitives;

public sealed class UInt256Tests
{
    private static readonly BigInteger Modulus = BigInteger.One << 256;

    /// <summary>A value of varying size: <paramref name="bytes"/> picks how many low bytes survive (0..32).</summary>
    private static BigInteger Big(ulong a, ulong b, ulong c, ulong d, byte bytes)
    {
        var v = new BigInteger(a) | new BigInteger(b) << 64 | new BigInteger(c) << 128 | new BigInteger(d) << 192;
        return v & ((BigInteger.One << (8 * (bytes % 33))) - 1);
    }

    [Property]
    public bool Decimal_Hex_BigInteger_AndBigEndian_RoundTrip(ulong a, ulong b, ulong c, ulong d, byte n)
    {
        var big = Big(a, b, c, d, n);
        var v = UInt256.FromBigInteger(big);
        Span<byte> be = stackalloc byte[32];
        v.WriteBigEndian(be);
        return v.ToBigInteger() == big
            && v.ToString() == big.ToString(CultureInfo.InvariantCulture)
            && UInt256.TryParse(big.ToString(CultureInfo.InvariantCulture), out var p1) && p1 == v
            && UInt256.TryParse("0x" + big.ToString("x", CultureInfo.InvariantCulture), out var p2) && p2 == v
            && UInt256.ReadBigEndian(be) == v
            && v.ByteLength == (big.IsZero ? 0 : big.GetByteCount(isUnsigned: true));
    }

    [Property]
    public bool Arithmetic_IsModulo2Pow256(ulong a, ulong b, ulong c, ulong d, byte n, ulong e, ulong f, ulong g, ulong h, byte m)
    {
        var x = Big(a, b, c, d, n);
        var y = Big(e, f, g, h, m);
        var ux = UInt256.FromBigInteger(x);
        var uy = UInt256.FromBigInteger(y);
        var diff = ((x - y) % Modulus + Modulus) % Modulus;
        return (ux + uy).ToBigInteger() == (x + y) % Modulus
            && (ux - uy).ToBigInteger() == diff
            && Math.Sign(ux.CompareTo(uy)) == x.CompareTo(y)
            && UInt256.TryAdd(ux, uy, out _) == (x + y < Modulus);
    }

    [Property]
    public bool SignedView_OfDifference_IsTheSignedDifference(ulong x, ulong y)
    {
        var d = (UInt256)x - y;
        var expected = new BigInteger(x) - y;
        return d.ToSignedBigInteger() == expected && d.IsNegative == (expected.Sign < 0)
            && Math.Sign(d.CompareSigned(UInt256.Zero)) == expected.Sign;
    }

    [Fact]
    public void MaxValue_RoundTripsExactly()
    {
        string max = (Modulus - 1).ToString(CultureInfo.InvariantCulture);
        Assert.True(UInt256.TryParse(max, out var v));
        Assert.Equal(UInt256.MaxValue, v);
        Assert.Equal(max, v.ToString());
        Assert.False(UInt256.TryParse(Modulus.ToString(CultureInfo.InvariantCulture), out _));
        Assert.False(UInt256.TryParse("0x1" + new string('0', 64), out _));
    }

    [Theory]
    [InlineData("1500000", 6, "1.5")]
    [InlineData("1", 6, "0.000001")]
    [InlineData("0", 6, "0")]
    [InlineData("123000000", 6, "123")]
    [InlineData("42", 0, "42")]
    public void TokenString_FormatsAndParsesBack(string baseUnits, int decimals, string expected)
    {
        var v = UInt256.Parse(baseUnits);
        Assert.Equal(expected, v.ToTokenString(decimals));
        Assert.True(UInt256.TryParseUnits(expected, decimals, out var back));
        Assert.Equal(v, back);
    }

    [Theory]
    [InlineData("1.0000001")] // more decimals than the token has
    [InlineData("abc")]
    [InlineData(".")]
    [InlineData("-1")]
    public void TryParseUnits_RejectsBadAmounts(string text) => Assert.False(UInt256.TryParseUnits(text, 6, out _));
}
