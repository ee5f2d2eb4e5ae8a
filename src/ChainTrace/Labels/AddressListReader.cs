using ChainTrace.Ingest;
using ChainTrace.Primitives;

namespace ChainTrace.Labels;

/// <summary>
/// Reads a plain address list, one address per line (blank lines and <c>#</c> comments ignored), as OFAC SDN
/// sanctions: category <c>sanctioned</c>, name <c>OFAC SDN</c>. A file named <c>…_XYZ.txt</c> (as in
/// 0xB10C's lists) holds currency XYZ; one for another chain's currency is skipped whole, and in a token's
/// list (USDT) addresses of other networks are skipped and counted.
/// </summary>
internal static class AddressListReader
{
    public const string SanctionsName = "OFAC SDN";

    public static void Read(string path, ChainProfile profile, LabelCollector sink)
    {
        var fileName = System.IO.Path.GetFileName(path);
        var stem = System.IO.Path.GetFileNameWithoutExtension(path);
        int underscore = stem.LastIndexOf('_');
        string? currency = underscore >= 0 ? stem[(underscore + 1)..] : null;
        bool named = currency is { Length: >= 2 and <= 6 } && currency.All(char.IsAsciiLetterUpper);
        bool isNative = true;
        bool otherCurrency = named && !LabelText.IsChainCurrency(profile, currency!, out isNative);
        // A token's list (USDT) mixes networks: addresses in another chain's format are skipped, not errors.
        bool tokenList = named && !otherCurrency && !isNative;

        long lineNo = 0;
        foreach (var raw in File.ReadLines(path))
        {
            lineNo++;
            var text = raw.AsSpan().Trim();
            if (text.IsEmpty || text[0] == '#') continue;
            if (otherCurrency) { sink.SkippedOtherCurrency++; continue; }
            if (!LabelText.TryParseAddress(profile, text, strict: tokenList, out var address, out var error))
            {
                if (tokenList) { sink.SkippedOtherNetwork++; continue; }
                throw new ChainDataException(path, lineNo, null, "address",
                    $"'{text.ToString()}' is not a valid {profile.Name} address: {error}");
            }
            sink.Add(address, new AddressLabel(LabelCategories.Sanctioned, SanctionsName, fileName));
        }
    }
}
