using ChainTrace.Ingest;
using ChainTrace.Primitives;
using nietras.SeparatedValues;

namespace ChainTrace.Labels;

/// <summary>Reads CSV labels with header <c>address,category,name[,source]</c> (extra columns are ignored).</summary>
internal static class CsvLabelReader
{
    public static void Read(string path, ChainProfile profile, LabelCollector sink)
    {
        var fileName = System.IO.Path.GetFileName(path);
        SepReader reader;
        try
        {
            reader = Sep.Reader(o => o with
            {
                HasHeader = true,
                Unescape = true,
                DisableColCountCheck = true,
                ColNameComparer = StringComparer.OrdinalIgnoreCase,
                Trim = SepTrim.Outer,
            }).FromFile(path);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw new ChainDataException(path, 1, null, null, e.Message, e);
        }
        using (reader)
        {
            var header = reader.Header;
            int addressCol = Require(path, header, "address");
            int categoryCol = Require(path, header, "category");
            int nameCol = Require(path, header, "name");
            int sourceCol = header.TryIndexOf("source", out var s) ? s : -1;
            int needed = Math.Max(Math.Max(addressCol, categoryCol), Math.Max(nameCol, sourceCol)) + 1;

            foreach (var row in reader)
            {
                long line = row.LineNumberFrom;
                if (row.Span.IsWhiteSpace()) continue;
                if (row.ColCount < needed)
                    throw new ChainDataException(path, line, null, null,
                        $"expected at least {needed} columns, found {row.ColCount}");
                var addressText = row[addressCol].Span;
                if (!LabelText.TryParseAddress(profile, addressText, strict: false, out var address, out var error))
                    throw new ChainDataException(path, line, null, "address",
                        $"'{addressText.ToString()}' is not a valid {profile.Name} address: {error}");
                var category = row[categoryCol].ToString();
                if (string.IsNullOrWhiteSpace(category))
                    throw new ChainDataException(path, line, null, "category", "empty category");
                var name = row[nameCol].ToString().Trim();
                var source = sourceCol >= 0 ? row[sourceCol].ToString().Trim() : "";
                if (source.Length == 0) source = fileName;
                sink.Add(address, new AddressLabel(LabelText.NormaliseCategory(category), name, source));
            }
        }
    }

    private static int Require(string path, SepReaderHeader header, string column)
    {
        if (header.TryIndexOf(column, out var index)) return index;
        throw new ChainDataException(path, 1, null, column,
            $"missing column '{column}' in the header (expected address,category,name[,source]; found '{string.Join(",", header.ColNames)}')");
    }
}
