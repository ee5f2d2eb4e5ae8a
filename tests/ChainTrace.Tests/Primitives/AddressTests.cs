using System.Security.Cryptography;
using System.Text.Json;
using ChainTrace.Primitives;
using FsCheck.Xunit;
using Xunit;

namespace ChainTrace.Tests.Primitives;

public sealed class AddressTests
{
    private static Address Make(ulong a, ulong b, uint c)
    {
        Span<byte> bytes = stackalloc byte[20];
        BitConverter.TryWriteBytes(bytes, a);
        BitConverter.TryWriteBytes(bytes[8..], b);
        BitConverter.TryWriteBytes(bytes[16..], c);
        return new Address(bytes);
    }

    // The four vectors of EIP-55 itself.
    [Theory]
    [InlineData("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")]
    [InlineData("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359")]
    [InlineData("0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB")]
    [InlineData("0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb")]
    public void ChecksumHex_MatchesEip55Vectors(string expected)
    {
        var a = Address.Parse(expected.ToLowerInvariant());
        Assert.Equal(expected, a.ToChecksumHex());
        Assert.True(Address.TryParseHex(expected, out var parsed, out _));
        Assert.Equal(a, parsed);
    }

    [Fact]
    public void ParseHex_MixedCaseWithBadChecksum_IsRejected()
    {
        // One letter's case flipped from a valid EIP-55 address.
        Assert.False(Address.TryParseHex("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", out _, out var error));
        Assert.Contains("EIP-55", error);
    }

    [Theory]
    [InlineData("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")]
    [InlineData("0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED")]
    public void ParseHex_SingleCase_SkipsChecksum(string text) => Assert.True(Address.TryParseHex(text, out _, out _));

    [Theory]
    [InlineData("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beae")]     // 39 digits
    [InlineData("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaedd")]   // 41 digits
    [InlineData("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaeg")]    // not hex
    [InlineData("5aaeb6053f3e94c9b9a09f33669435e7ef1beaed00")]    // no prefix
    [InlineData("")]
    public void Parse_Malformed_IsRejectedWithReason(string text)
    {
        Assert.False(Address.TryParse(text, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Property]
    public bool Hex_RoundTrips(ulong a, ulong b, uint c)
    {
        var addr = Make(a, b, c);
        return Address.Parse(addr.ToHex()) == addr && Address.Parse(addr.ToChecksumHex()) == addr;
    }

    [Property]
    public bool Tron_RoundTrips(ulong a, ulong b, uint c)
    {
        var addr = Make(a, b, c);
        string t = addr.ToTron();
        return t.Length == 34 && t[0] == 'T' && Address.Parse(t) == addr;
    }

    [Property]
    public bool Compare_IsByteOrder(ulong a1, ulong b1, uint c1, ulong a2, ulong b2, uint c2)
    {
        var x = Make(a1, b1, c1);
        var y = Make(a2, b2, c2);
        return Math.Sign(x.CompareTo(y)) == Math.Sign(x.ToArray().AsSpan().SequenceCompareTo(y.ToArray()));
    }

    [Property]
    public bool Tron_AnySingleCharacterChange_FailsChecksum(ulong a, ulong b, uint c, byte position)
    {
        string t = Make(a, b, c).ToTron();
        int i = 1 + position % 33;
        char replacement = t[i] == 'x' ? 'y' : 'x';
        string changed = t[..i] + replacement + t[(i + 1)..];
        return !Address.TryParseTron(changed, out _, out _);
    }

    [Fact]
    public void Tron_UsdtContract_IsItsKnownHexForm()
    {
        // DESIGN.md / data README: TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t = 41a614f803b6fd780986a42c78ec9c7f77e6ded13c.
        var usdt = Address.Parse("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t");
        Assert.Equal("0xa614f803b6fd780986a42c78ec9c7f77e6ded13c", usdt.ToHex());
        Assert.Equal(usdt, Address.Parse("41a614f803b6fd780986a42c78ec9c7f77e6ded13c"));
    }

    /// <summary>
    /// Every T-address in a real TronGrid response: all but the one the upstream authors hand-edited
    /// (TM1zzNDZD2DPASbKcgdVoTYhfmYgtfwx9D) pass base58check; that one is rejected, and a plain re-computation
    /// with SHA-256 in the test agrees on which is which.
    /// </summary>
    [Fact]
    public void Tron_RealAddresses_ValidateAndTheHandEditedOneIsRejected()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "fixtures", "tron", "blockatlas", "txs_trc20_response.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var seen = new HashSet<string>();
        foreach (var tx in doc.RootElement.GetProperty("data").EnumerateArray())
        {
            seen.Add(tx.GetProperty("from").GetString()!);
            seen.Add(tx.GetProperty("to").GetString()!);
            seen.Add(tx.GetProperty("token_info").GetProperty("address").GetString()!);
        }
        Assert.True(seen.Count > 10);
        var rejected = new List<string>();
        foreach (var t in seen)
        {
            bool ok = Address.TryParseTron(t, out var addr, out _);
            Assert.Equal(ReferenceChecksumHolds(t), ok);
            if (ok) Assert.Equal(t, addr.ToTron());
            else rejected.Add(t);
        }
        Assert.Equal(["TM1zzNDZD2DPASbKcgdVoTYhfmYgtfwx9D"], rejected);
    }

    /// <summary>Plain base58 decode with BigInteger and a double SHA-256 checksum check.</summary>
    private static bool ReferenceChecksumHolds(string t)
    {
        const string alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
        var n = System.Numerics.BigInteger.Zero;
        foreach (char ch in t) n = n * 58 + alphabet.IndexOf(ch);
        var bytes = n.ToByteArray(isUnsigned: true, isBigEndian: true);
        if (bytes.Length != 25) return false;
        var h = SHA256.HashData(SHA256.HashData(bytes.AsSpan(0, 21)));
        return bytes[0] == 0x41 && h.AsSpan(0, 4).SequenceEqual(bytes.AsSpan(21, 4));
    }
}
