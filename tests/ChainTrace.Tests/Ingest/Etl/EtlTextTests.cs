using System.Globalization;
using System.Numerics;
using System.Text;
using ChainTrace.Ingest.Etl;
using ChainTrace.Primitives;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace ChainTrace.Tests.Ingest.Etl;

/// <summary>The allocation-free decimal parser against <see cref="BigInteger"/>, and the other field parsers.</summary>
public sealed class EtlTextTests
{
    private static readonly BigInteger Limit = BigInteger.One << 256;

    /// <summary>Decimal strings of 1 to 100 digits, with every length near 2^256's 78 digits well covered.</summary>
    private static Gen<string> Digits =>
        from len in Gen.Frequency((1, Gen.Choose(1, 20)), (2, Gen.Choose(70, 82)), (1, Gen.Choose(1, 100)))
        from first in Gen.Choose(0, 9)
        from rest in Gen.ArrayOf(Gen.Choose(0, 9), len - 1)
        select string.Concat(new[] { first }.Concat(rest).Select(d => (char)('0' + d)));

    private static (FieldProblem Problem, UInt256 Value) ParseBoth(string s)
    {
        var p = EtlText.TryParseUInt256(s.AsSpan(), out var v);
        var pb = EtlText.TryParseUInt256(Encoding.ASCII.GetBytes(s).AsSpan(), out var vb);
        Assert.Equal(p, pb);
        Assert.Equal(v, vb);
        return (p, v);
    }

    [Property(MaxTest = 500)]
    public Property Decimal_AnyDigits_AgreesWithBigInteger() =>
        Prop.ForAll(Digits.ToArbitrary(), s =>
        {
            var big = BigInteger.Parse(s, CultureInfo.InvariantCulture);
            var (p, v) = ParseBoth(s);
            if (big < Limit)
            {
                Assert.Equal(FieldProblem.None, p);
                Assert.Equal(big, v.ToBigInteger());
            }
            else Assert.Equal(FieldProblem.TooLarge256, p);
        });

    [Property(MaxTest = 300)]
    public Property Decimal_EveryUInt256_RoundTripsWithLeadingZeros() =>
        Prop.ForAll(Gen.Zip(EtlGen.Amount, Gen.Choose(0, 5)).ToArbitrary(), t =>
        {
            var (value, zeros) = t;
            var (p, v) = ParseBoth(new string('0', zeros) + value.ToBigInteger().ToString(CultureInfo.InvariantCulture));
            Assert.Equal(FieldProblem.None, p);
            Assert.Equal(value, v);
        });

    [Property(MaxTest = 200)]
    public Property Decimal_AboveMax_IsRejected() =>
        Prop.ForAll(Gen.ArrayOf(EtlGen.UInt64, 5).ToArbitrary(), limbs =>
        {
            // 2^256 + k for k < 2^320: every such value must overflow.
            var k = new BigInteger(limbs.SelectMany(BitConverter.GetBytes).ToArray(), isUnsigned: true);
            Assert.Equal(FieldProblem.TooLarge256, ParseBoth((Limit + k).ToString(CultureInfo.InvariantCulture)).Problem);
        });

    [Fact]
    public void Decimal_Boundaries()
    {
        Assert.Equal((FieldProblem.None, UInt256.MaxValue), ParseBoth((Limit - 1).ToString(CultureInfo.InvariantCulture)));
        Assert.Equal(FieldProblem.TooLarge256, ParseBoth(Limit.ToString(CultureInfo.InvariantCulture)).Problem);
        Assert.Equal((FieldProblem.None, new UInt256(0, 1)), ParseBoth("18446744073709551616"));
        Assert.Equal((FieldProblem.None, new UInt256(ulong.MaxValue)), ParseBoth("18446744073709551615"));
        Assert.Equal((FieldProblem.None, UInt256.Zero), ParseBoth("0000"));
        foreach (var bad in new[] { "", "-1", "+1", "1.0", "1e18", "0x10", " 1", "1 ", "12a" })
            Assert.Equal(FieldProblem.NotDecimal, ParseBoth(bad).Problem);
        // A bad digit after the point of overflow is still reported as a bad digit.
        Assert.Equal(FieldProblem.NotDecimal, ParseBoth(new string('9', 90) + "x").Problem);
    }

    [Theory]
    [InlineData("18446744073709551615", 0)]
    [InlineData("18446744073709551616", 1)]
    [InlineData("99999999999999999999999", 1)]
    [InlineData("", 2)]
    [InlineData("1x", 2)]
    public void UInt64_Parses(string text, int outcome)
    {
        var expected = outcome switch { 0 => FieldProblem.None, 1 => FieldProblem.TooLarge64, _ => FieldProblem.NotDecimal };
        Assert.Equal(expected, EtlText.TryParseUInt64(text.AsSpan(), out ulong v));
        if (expected == FieldProblem.None) Assert.Equal(ulong.Parse(text, CultureInfo.InvariantCulture), v);
    }

    [Theory]
    [InlineData("1668811211", 1668811211L)]
    [InlineData("2022-11-18 22:40:11 UTC", 1668811211L)]
    [InlineData("2022-11-18T22:40:11Z", 1668811211L)]
    [InlineData("2022-11-18 22:40:11.000000 UTC", 1668811211L)]
    [InlineData("2022-11-18 22:40:11+00:00", 1668811211L)]
    [InlineData("1970-01-01 00:00:00", 0L)]
    public void Timestamp_Parses(string text, long expected)
    {
        Assert.True(EtlText.TryParseTimestamp(text.AsSpan(), out long s));
        Assert.Equal(expected, s);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(expected).ToUnixTimeSeconds(), s);
    }

    [Theory]
    [InlineData("2022-13-18 22:40:11")]
    [InlineData("2022-02-30 22:40:11")]
    [InlineData("2022-11-18 22:40:11 CET")]
    [InlineData("yesterday")]
    [InlineData("-5")]
    public void Timestamp_RejectsBad(string text) => Assert.False(EtlText.TryParseTimestamp(text.AsSpan(), out _));

    [Property(MaxTest = 200)]
    public Property Address_AnyCase_ParsesToSameBytes() =>
        Prop.ForAll(Gen.Zip(EtlGen.Address, Gen.Choose(0, int.MaxValue)).ToArbitrary(), t =>
        {
            var (a, seed) = t;
            string text = new EtlFormat(seed).Case(a.ToHex());
            Assert.True(EtlText.TryParseAddress(text.AsSpan(), out var parsed));
            Assert.Equal(a, parsed);
            Assert.True(EtlText.TryParseAddress(Encoding.ASCII.GetBytes(text).AsSpan(), out parsed));
            Assert.Equal(a, parsed);
        });

    [Theory]
    [InlineData("")]
    [InlineData("0x")]
    [InlineData("0x123")]
    [InlineData("0x12")]
    public void Data_Lengths(string text)
    {
        Span<byte> buf = stackalloc byte[96];
        bool ok = EtlText.TryParseData(text.AsSpan(), buf, out int len);
        Assert.Equal(text.StartsWith("0x", StringComparison.Ordinal) && (text.Length - 2) % 2 == 0, ok);
        if (ok) Assert.Equal((text.Length - 2) / 2, len);
    }

    [Fact]
    public void Data_LongerThanKept_ChecksEveryDigit()
    {
        Span<byte> buf = stackalloc byte[4];
        Assert.True(EtlText.TryParseData(("0x" + new string('a', 300)).AsSpan(), buf, out int len));
        Assert.Equal(150, len);
        Assert.Equal(new byte[] { 0xaa, 0xaa, 0xaa, 0xaa }, buf.ToArray());
        Assert.False(EtlText.TryParseData(("0x" + new string('a', 299) + "g").AsSpan(), buf, out _));
    }
}
