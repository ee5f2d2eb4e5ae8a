using ChainTrace.Ingest;
using ChainTrace.Primitives;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ChainTrace.Labels;

/// <summary>
/// Reads a GraphSense TagPack: a YAML mapping whose scalar header fields (<c>category</c>, <c>source</c>,
/// <c>currency</c>, <c>label</c>, <c>actor</c>, …) are inherited by each entry of <c>tags</c> unless the tag
/// overrides them. Tags of this chain's currencies are imported (ETH/USDT on Ethereum, TRX/USDT on TRON); the
/// label's name is the tag's actor when it has one, else its label text.
/// </summary>
internal static class TagPackReader
{
    public static void Read(string path, ChainProfile profile, LabelCollector sink)
    {
        var fileName = System.IO.Path.GetFileName(path);
        YamlMappingNode root;
        try
        {
            using var text = File.OpenText(path);
            var stream = new YamlStream();
            stream.Load(text);
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode m)
                throw new ChainDataException(path, 1, null, null, "a TagPack must be a YAML mapping with a 'tags' list");
            root = m;
        }
        catch (YamlException e)
        {
            throw new ChainDataException(path, e.Start.Line, null, null, $"invalid YAML: {FirstLine(e.Message)}", e);
        }

        var header = new Dictionary<string, string>(StringComparer.Ordinal);
        YamlSequenceNode? tags = null;
        foreach (var (k, v) in root.Children)
        {
            var key = ((YamlScalarNode)k).Value ?? "";
            if (key == "tags")
            {
                tags = v as YamlSequenceNode
                    ?? throw new ChainDataException(path, v.Start.Line, null, "tags", "'tags' must be a list");
            }
            else if (v is YamlScalarNode { Value: { } value })
            {
                header[key] = value;
            }
        }
        if (tags is null) throw new ChainDataException(path, 1, null, "tags", "no 'tags' list in this TagPack");

        foreach (var node in tags.Children)
        {
            long line = node.Start.Line;
            if (node is not YamlMappingNode tag)
                throw new ChainDataException(path, line, null, "tags", "each tag must be a mapping");
            string? Field(string name)
            {
                if (tag.Children.TryGetValue(new YamlScalarNode(name), out var v))
                    return v is YamlScalarNode s ? s.Value
                        : throw new ChainDataException(path, v.Start.Line, null, name, "expected a plain value");
                return header.GetValueOrDefault(name);
            }

            var addressText = Field("address");
            if (string.IsNullOrWhiteSpace(addressText))
                throw new ChainDataException(path, line, null, "address", "tag without an address");
            var currency = Field("currency");
            if (string.IsNullOrWhiteSpace(currency))
                throw new ChainDataException(path, line, null, "currency", "tag without a currency (neither in the tag nor in the header)");
            if (!LabelText.IsChainCurrency(profile, currency.Trim(), out bool native))
            {
                sink.SkippedOtherCurrency++;
                continue;
            }
            if (!LabelText.TryParseAddress(profile, addressText, strict: true, out var address, out var error))
            {
                // A token's tags (USDT) span many networks (Omni, Solana, …): not ours, not an error.
                if (!native) { sink.SkippedOtherNetwork++; continue; }
                throw new ChainDataException(path, line, null, "address",
                    $"'{addressText}' is not a valid {profile.Name} address: {error}");
            }
            var category = LabelText.NormaliseCategory(Field("category") ?? "", Field("abuse"));
            var name = (Field("actor") ?? Field("label") ?? "").Trim();
            var source = (Field("source") ?? "").Trim();
            if (source.Length == 0) source = fileName;
            sink.Add(address, new AddressLabel(category, name, source));
        }
    }

    private static string FirstLine(string message)
    {
        int nl = message.IndexOf('\n', StringComparison.Ordinal);
        return nl < 0 ? message : message[..nl];
    }
}
