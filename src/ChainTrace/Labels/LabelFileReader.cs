using ChainTrace.Ingest;
using ChainTrace.Primitives;

namespace ChainTrace.Labels;

/// <summary>The label file formats ChainTrace reads.</summary>
public enum LabelFileFormat
{
    /// <summary>CSV with header <c>address,category,name[,source]</c>.</summary>
    Csv,
    /// <summary>GraphSense TagPack YAML (header fields inherited by each tag).</summary>
    TagPack,
    /// <summary>Plain list, one address per line (OFAC SDN lists): category <c>sanctioned</c>.</summary>
    AddressList,
}

/// <summary>What a label file held for one chain.</summary>
/// <param name="Path">The file read.</param>
/// <param name="Format">Its format.</param>
/// <param name="Labels">Labels for this chain, in file order, without exact duplicates.</param>
/// <param name="SkippedOtherCurrency">Entries for a currency this chain does not have (BTC tags in an Ethereum store).</param>
/// <param name="SkippedOtherNetwork">Token entries (USDT) whose address belongs to another network (USDT on Solana, Omni, …).</param>
/// <param name="Duplicates">Entries that repeated an earlier (address, label) of the same file.</param>
public sealed record LabelFileResult(
    string Path,
    LabelFileFormat Format,
    IReadOnlyList<(Address Address, AddressLabel Label)> Labels,
    int SkippedOtherCurrency,
    int SkippedOtherNetwork,
    int Duplicates)
{
    /// <summary>All entries not imported.</summary>
    public int Skipped => SkippedOtherCurrency + SkippedOtherNetwork + Duplicates;
}

/// <summary>
/// Reads label files (CSV, GraphSense TagPack YAML, plain address lists) into labels for one chain.
/// Bad entries throw <see cref="ChainDataException"/> naming the file and line; entries of another
/// currency or network are counted and skipped.
/// </summary>
public static class LabelFileReader
{
    /// <summary>Picks the format from the file name: <c>.csv</c>, <c>.yaml</c>/<c>.yml</c>, <c>.txt</c>.</summary>
    public static LabelFileFormat DetectFormat(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var ext = System.IO.Path.GetExtension(path).ToLowerInvariant();
        return ext switch
        {
            ".csv" => LabelFileFormat.Csv,
            ".yaml" or ".yml" => LabelFileFormat.TagPack,
            ".txt" => LabelFileFormat.AddressList,
            _ => throw new ChainDataException(path, null, null, null,
                $"unknown label file format '{ext}' (expected .csv, .yaml/.yml TagPack or .txt address list)"),
        };
    }

    /// <summary>Reads a label file for <paramref name="profile"/>'s chain, detecting its format from the name.</summary>
    public static LabelFileResult Read(string path, ChainProfile profile) => Read(path, profile, DetectFormat(path));

    /// <summary>Reads a label file of a given format for <paramref name="profile"/>'s chain.</summary>
    public static LabelFileResult Read(string path, ChainProfile profile, LabelFileFormat format)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(profile);
        if (!File.Exists(path)) throw new ChainDataException(path, null, null, null, "file not found");
        var sink = new LabelCollector(path, format);
        switch (format)
        {
            case LabelFileFormat.Csv: CsvLabelReader.Read(path, profile, sink); break;
            case LabelFileFormat.TagPack: TagPackReader.Read(path, profile, sink); break;
            default: AddressListReader.Read(path, profile, sink); break;
        }
        return sink.ToResult();
    }

    /// <summary>Reads several files, concatenating their labels.</summary>
    public static IReadOnlyList<LabelFileResult> ReadAll(IEnumerable<string> paths, ChainProfile profile)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var results = new List<LabelFileResult>();
        foreach (var p in paths) results.Add(Read(p, profile));
        return results;
    }
}

/// <summary>Accumulates one file's labels and skip counts.</summary>
internal sealed class LabelCollector(string path, LabelFileFormat format)
{
    private readonly List<(Address, AddressLabel)> _labels = [];
    private readonly HashSet<(Address, AddressLabel)> _seen = [];
    private int _duplicates;

    public string Path { get; } = path;
    public int SkippedOtherCurrency { get; set; }
    public int SkippedOtherNetwork { get; set; }

    public void Add(Address address, AddressLabel label)
    {
        if (_seen.Add((address, label))) _labels.Add((address, label));
        else _duplicates++;
    }

    public LabelFileResult ToResult() =>
        new(Path, format, _labels, SkippedOtherCurrency, SkippedOtherNetwork, _duplicates);
}

/// <summary>Chain-aware address parsing and category normalisation shared by the readers.</summary>
internal static class LabelText
{
    /// <summary>
    /// Parses an address as written for <paramref name="profile"/>'s chain: 0x hex on Ethereum; on TRON the
    /// base58 T… form, or (unless <paramref name="strict"/>) the 0x/41-prefixed hex form.
    /// </summary>
    public static bool TryParseAddress(ChainProfile profile, ReadOnlySpan<char> text, bool strict, out Address address, out string? error)
    {
        text = text.Trim();
        if (profile.AddressFormat == AddressFormat.TronBase58)
        {
            if (text.Length > 0 && text[0] == 'T') return Address.TryParseTron(text, out address, out error);
            if (!strict) return Address.TryParse(text, out address, out error);
            address = default;
            error = "not a TRON base58 address (T…)";
            return false;
        }
        return Address.TryParseHex(text, out address, out error);
    }

    /// <summary>Lower-cases a category and maps GraphSense taxonomy names onto the engine's categories.</summary>
    public static string NormaliseCategory(string category, string? abuse = null)
    {
        var c = category.Trim().ToLowerInvariant();
        var a = abuse?.Trim().ToLowerInvariant();
        if (a is "sanction" or "sanctioned" && c is "" or "user" or "unknown") return LabelCategories.Sanctioned;
        if (a is "scam" or "phishing" or "ponzi_scheme" && c is "" or "user" or "unknown") return LabelCategories.Scam;
        return c switch
        {
            "mixing_service" => LabelCategories.Mixer,
            "otc_broker" => LabelCategories.Otc,
            "" => "unknown",
            _ => c,
        };
    }

    /// <summary>Currencies whose labels apply to this chain: its native coin and its known tokens.</summary>
    public static bool IsChainCurrency(ChainProfile profile, string currency, out bool isNative)
    {
        isNative = string.Equals(currency, profile.NativeSymbol, StringComparison.OrdinalIgnoreCase);
        if (isNative) return true;
        foreach (var t in profile.Tokens)
            if (string.Equals(currency, t.Symbol, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }
}
