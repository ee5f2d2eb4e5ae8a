using ChainTrace.Ingest;
using ChainTrace.Labels;
using ChainTrace.Primitives;
using ChainTrace.Tests.Cli;
using Xunit;

namespace ChainTrace.Tests.Labels;

public sealed class LabelFileReaderTests
{
    private const string Binance = "0x28C6c06298d514Db089934071355E5743bf21d60";
    private const string Tornado = "0x722122dF12D4e14e13Ac3b6895a86e84145b6967";

    [Fact]
    public void Csv_GoodRows_AreReadInOrderWithNormalisedCategoryAndDefaultSource()
    {
        using var dir = new TempDir();
        var path = dir.Write("mine.csv",
            "address,category,name,source\n" +
            $"{Binance},Exchange,Binance 14,etherscan\n" +
            "\n" +
            $"{Tornado.ToLowerInvariant()},mixing_service,\"Tornado, Cash\",\n");

        var result = LabelFileReader.Read(path, ChainProfile.Ethereum);

        Assert.Equal(LabelFileFormat.Csv, result.Format);
        Assert.Equal(2, result.Labels.Count);
        Assert.Equal(Address.Parse(Binance), result.Labels[0].Address);
        Assert.Equal(new AddressLabel("exchange", "Binance 14", "etherscan"), result.Labels[0].Label);
        Assert.Equal(Address.Parse(Tornado), result.Labels[1].Address);
        Assert.Equal(new AddressLabel(LabelCategories.Mixer, "Tornado, Cash", "mine.csv"), result.Labels[1].Label);
        Assert.Equal(0, result.Skipped);
    }

    [Fact]
    public void Csv_WithoutSourceColumn_UsesFileName_AndCountsDuplicates()
    {
        using var dir = new TempDir();
        var path = dir.Write("l.csv", $"address,category,name\n{Binance},exchange,Binance\n{Binance},exchange,Binance\n");
        var result = LabelFileReader.Read(path, ChainProfile.Ethereum);
        Assert.Single(result.Labels);
        Assert.Equal("l.csv", result.Labels[0].Label.Source);
        Assert.Equal(1, result.Duplicates);
    }

    [Theory]
    [InlineData("0x28C6c06298d514Db089934071355E5743bf21d6", "address")]      // 39 hex digits
    [InlineData("0x28C6c06298d514Db089934071355E5743bf21d61", "address")]     // bad EIP-55 checksum
    [InlineData("0xZZC6c06298d514Db089934071355E5743bf21d60", "address")]     // not hex
    [InlineData("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "address")]              // TRON address in an Ethereum file
    public void Csv_BadAddress_ThrowsNamingFileLineAndField(string address, string field)
    {
        using var dir = new TempDir();
        var path = dir.Write("bad.csv", $"address,category,name\n{Binance},exchange,Binance\n\n{address},scam,X\n");
        var e = Assert.Throws<ChainDataException>(() => LabelFileReader.Read(path, ChainProfile.Ethereum));
        Assert.Equal(4, e.Line);
        Assert.Equal(field, e.Field);
        Assert.Contains("bad.csv:4", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Csv_EmptyCategory_Throws()
    {
        using var dir = new TempDir();
        var path = dir.Write("c.csv", $"address,category,name\n{Binance}, ,Binance\n");
        var e = Assert.Throws<ChainDataException>(() => LabelFileReader.Read(path, ChainProfile.Ethereum));
        Assert.Equal(2, e.Line);
        Assert.Equal("category", e.Field);
    }

    [Fact]
    public void Csv_MissingHeaderColumn_ThrowsOnLineOne()
    {
        using var dir = new TempDir();
        var path = dir.Write("h.csv", $"address,name\n{Binance},Binance\n");
        var e = Assert.Throws<ChainDataException>(() => LabelFileReader.Read(path, ChainProfile.Ethereum));
        Assert.Equal(1, e.Line);
        Assert.Equal("category", e.Field);
    }

    [Fact]
    public void Csv_TooFewColumns_Throws()
    {
        using var dir = new TempDir();
        var path = dir.Write("s.csv", $"address,category,name\n{Binance},exchange\n");
        var e = Assert.Throws<ChainDataException>(() => LabelFileReader.Read(path, ChainProfile.Ethereum));
        Assert.Equal(2, e.Line);
    }

    [Fact]
    public void Csv_OnTron_AcceptsBase58AndHex()
    {
        using var dir = new TempDir();
        var path = dir.Write("t.csv", "address,category,name\nTR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t,issuer,Tether\n41a614f803b6fd780986a42c78ec9c7f77e6ded13c,issuer,Tether hex\n");
        var result = LabelFileReader.Read(path, ChainProfile.Tron);
        Assert.Equal(2, result.Labels.Count);
        Assert.Equal(result.Labels[0].Address, result.Labels[1].Address);
    }

    [Fact]
    public void TagPack_Kucoin_OnEthereum_ImportsEthAndEvmUsdtTagsOnly()
    {
        var path = Fixtures.Path("labels", "exchange-wallets-kucoin.yaml");
        var oracle = PlainTagScan(path);

        var result = LabelFileReader.Read(path, ChainProfile.Ethereum);

        var expectedTags = oracle.Where(t => t.Currency == "ETH" || (t.Currency == "USDT" && t.Address.StartsWith("0x", StringComparison.Ordinal))).ToList();
        Assert.NotEmpty(expectedTags);
        var expectedAddresses = expectedTags.Select(t => Address.Parse(t.Address)).Distinct().OrderBy(a => a).ToList();
        Assert.Equal(expectedAddresses, result.Labels.Select(l => l.Address).OrderBy(a => a).ToList());
        Assert.Equal(oracle.Count(t => t.Currency is not ("ETH" or "USDT")), result.SkippedOtherCurrency);
        Assert.Equal(oracle.Count(t => t.Currency == "USDT" && !t.Address.StartsWith("0x", StringComparison.Ordinal)), result.SkippedOtherNetwork);
        Assert.Equal(expectedTags.Count - expectedAddresses.Count, result.Duplicates);
        // Inherited from the pack's header: category, actor (as the name), source.
        Assert.All(result.Labels, l => Assert.Equal(new AddressLabel("exchange", "kucoin",
            "https://www.kucoin.com/blog/transparency-and-trust-a-detailed-list-of-kucoin-s-wallets"), l.Label));
    }

    [Fact]
    public void TagPack_Kucoin_OnTron_ImportsTrxAndTronUsdtTagsOnly()
    {
        var path = Fixtures.Path("labels", "exchange-wallets-kucoin.yaml");
        var oracle = PlainTagScan(path);

        var result = LabelFileReader.Read(path, ChainProfile.Tron);

        var expectedTags = oracle.Where(t => t.Currency == "TRX" || (t.Currency == "USDT" && t.Address.StartsWith('T') && t.Address.Length == 34)).ToList();
        Assert.NotEmpty(expectedTags);
        var expected = expectedTags.Select(t => Address.Parse(t.Address)).Distinct().OrderBy(a => a).ToList();
        Assert.Equal(expected, result.Labels.Select(l => l.Address).OrderBy(a => a).ToList());
        Assert.Equal(oracle.Count(t => t.Currency is not ("TRX" or "USDT")), result.SkippedOtherCurrency);
        Assert.Contains(result.Labels, l => ChainProfile.Tron.Format(l.Address) == "TQeNNo5zVarhdKm5EiJSekfNXg6H1tRN4n");
    }

    [Fact]
    public void TagPack_TornadoCash_InheritsHeaderCurrencyAndMapsMixingServiceToMixer()
    {
        var path = Fixtures.Path("labels", "tornado_cash.yaml");
        var oracle = PlainTagScan(path);

        var result = LabelFileReader.Read(path, ChainProfile.Ethereum);

        Assert.Equal(oracle.Select(t => Address.Parse(t.Address)).Distinct().Count(), result.Labels.Count);
        Assert.Contains(result.Labels, l => l.Address == Address.Parse(Tornado));
        Assert.All(result.Labels, l => Assert.Equal(new AddressLabel(LabelCategories.Mixer, "tornado",
            "https://home.treasury.gov/policy-issues/financial-sanctions/recent-actions/20220808"), l.Label));
        // Header currency ETH: nothing of it applies to TRON.
        var tron = LabelFileReader.Read(path, ChainProfile.Tron);
        Assert.Empty(tron.Labels);
        Assert.Equal(oracle.Count, tron.SkippedOtherCurrency);
    }

    [Fact]
    public void TagPack_TagFieldsOverrideHeader_AndAbuseSanctionMakesSanctioned()
    {
        using var dir = new TempDir();
        var path = dir.Write("p.yaml", $"""
            title: test
            category: user
            abuse: sanction
            label: Lazarus
            source: https://example.org/a
            currency: ETH
            tags:
            - address: '{Binance}'
              category: Exchange
              label: Binance 14
              source: https://example.org/b
            - address: '{Tornado}'
            - address: '{Binance}'
              currency: BTC
            """);
        var result = LabelFileReader.Read(path, ChainProfile.Ethereum);
        Assert.Equal(2, result.Labels.Count);
        Assert.Equal(new AddressLabel("exchange", "Binance 14", "https://example.org/b"), result.Labels[0].Label);
        Assert.Equal(new AddressLabel(LabelCategories.Sanctioned, "Lazarus", "https://example.org/a"), result.Labels[1].Label);
        Assert.Equal(1, result.SkippedOtherCurrency);
    }

    [Fact]
    public void TagPack_BadEthAddress_ThrowsWithTagLine()
    {
        using var dir = new TempDir();
        var path = dir.Write("p.yaml", $"category: exchange\ncurrency: ETH\ntags:\n- address: '{Binance}'\n- address: '0x1234'\n  label: short\n");
        var e = Assert.Throws<ChainDataException>(() => LabelFileReader.Read(path, ChainProfile.Ethereum));
        Assert.Equal(5, e.Line);
        Assert.Equal("address", e.Field);
    }

    [Fact]
    public void TagPack_InvalidYaml_ThrowsWithLine()
    {
        using var dir = new TempDir();
        var path = dir.Write("p.yaml", "category: exchange\ntags:\n- address: '0xab\n  currency: ETH\n");
        var e = Assert.Throws<ChainDataException>(() => LabelFileReader.Read(path, ChainProfile.Ethereum));
        Assert.NotNull(e.Line);
        Assert.StartsWith(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TagPack_WithoutTags_Throws()
    {
        using var dir = new TempDir();
        var path = dir.Write("p.yaml", "title: nothing\n");
        var e = Assert.Throws<ChainDataException>(() => LabelFileReader.Read(path, ChainProfile.Ethereum));
        Assert.Equal("tags", e.Field);
    }

    [Fact]
    public void AddressList_UsdtOnEthereum_ImportsHexAndSkipsOtherNetworks()
    {
        var path = Fixtures.Path("labels", "sanctioned_addresses_USDT.txt");
        var lines = File.ReadAllLines(path).Where(l => l.Trim().Length > 0).ToList();

        var eth = LabelFileReader.Read(path, ChainProfile.Ethereum);
        var hex = lines.Where(l => l.StartsWith("0x", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(hex);
        Assert.Equal(hex.Select(Address.Parse).Distinct().OrderBy(a => a), eth.Labels.Select(l => l.Address).OrderBy(a => a));
        Assert.Equal(lines.Count - hex.Count, eth.SkippedOtherNetwork);
        Assert.All(eth.Labels, l => Assert.Equal(new AddressLabel("sanctioned", "OFAC SDN", "sanctioned_addresses_USDT.txt"), l.Label));

        var tron = LabelFileReader.Read(path, ChainProfile.Tron);
        var t = lines.Where(l => l.StartsWith('T')).ToList();
        Assert.NotEmpty(t);
        Assert.Equal(t.Count, tron.Labels.Count);
        Assert.Equal(lines.Count - t.Count, tron.SkippedOtherNetwork);
    }

    [Fact]
    public void AddressList_OtherCurrencyFile_IsSkippedWhole_AndBadLineThrows()
    {
        using var dir = new TempDir();
        var btc = dir.Write("sanctioned_addresses_XBT.txt", "1AXUTu9y3H8w4wYx4BjyFWgRhZKDhmcMrn\n");
        var r = LabelFileReader.Read(btc, ChainProfile.Ethereum);
        Assert.Empty(r.Labels);
        Assert.Equal(1, r.SkippedOtherCurrency);

        var bad = dir.Write("list.txt", $"# comment\n{Binance}\nnot-an-address\n");
        var e = Assert.Throws<ChainDataException>(() => LabelFileReader.Read(bad, ChainProfile.Ethereum));
        Assert.Equal(3, e.Line);
    }

    [Fact]
    public void UnknownExtension_Throws()
    {
        using var dir = new TempDir();
        var path = dir.Write("labels.xlsx", "x");
        var e = Assert.Throws<ChainDataException>(() => LabelFileReader.Read(path, ChainProfile.Ethereum));
        Assert.Contains("unknown label file format", e.Message, StringComparison.Ordinal);
    }

    /// <summary>A plain line scanner over a TagPack, independent of YamlDotNet: (address, currency) per tag.</summary>
    private static List<(string Address, string Currency)> PlainTagScan(string path)
    {
        string? headerCurrency = null;
        var tags = new List<(string Address, string? Currency)>();
        bool inTags = false;
        foreach (var raw in File.ReadLines(path))
        {
            if (raw.StartsWith("tags:", StringComparison.Ordinal)) { inTags = true; continue; }
            if (!inTags)
            {
                if (raw.StartsWith("currency:", StringComparison.Ordinal)) headerCurrency = Value(raw);
                continue;
            }
            if (raw.StartsWith("- address:", StringComparison.Ordinal)) tags.Add((Value(raw), null));
            else if (raw.StartsWith("  currency:", StringComparison.Ordinal)) tags[^1] = (tags[^1].Address, Value(raw));
        }
        return tags.Select(t => (t.Address, (t.Currency ?? headerCurrency)!)).ToList();

        static string Value(string line) => line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim().Trim('\'', '"');
    }
}
