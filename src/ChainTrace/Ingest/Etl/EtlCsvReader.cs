using System.Runtime.CompilerServices;
using System.Text;
using nietras.SeparatedValues;

namespace ChainTrace.Ingest.Etl;

/// <summary>
/// Reads an ethereum-etl CSV file with Sep: columns are looked up by header name once, each row's cells are
/// parsed from their spans, so a row costs no allocation. Quotes are handled here (Sep only splits): a quoted
/// cell loses its outer quotes, an odd number of quotes in a row is an unterminated quote.
/// </summary>
internal static class EtlCsvReader
{
    public static async Task ReadAsync(Stream stream, string source, EtlTable table, EtlContext context,
        IChainEventSink sink, DecodeOptions options, CancellationToken cancellationToken)
    {
        var progress = new ProgressStream(stream, options.OnBytesRead);
        SepReader reader;
        try
        {
            reader = await Sep.Reader(o => o with { Sep = new Sep(','), DisableColCountCheck = true, HasHeader = true })
                .FromAsync(progress, cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException e)
        {
            EtlEmitter.Throw(source, 1, null, null, "bad header line: " + e.Message, e);
            return;
        }
        using (reader)
        {
            var columns = MapHeader(reader.Header, source, table);
            var headerNames = reader.Header.ColNames.Select(TrimName).ToArray();
            var emitter = new EtlEmitter(source, context, sink, options);
            while (await reader.MoveNextAsync(cancellationToken).ConfigureAwait(false))
            {
                cancellationToken.ThrowIfCancellationRequested(); // buffered rows complete synchronously
                ReadRow(reader.Current, columns, headerNames, table, emitter, options.MaxRecordBytes);
            }
            emitter.Finish();
        }
        progress.ReportRest();
    }

    /// <summary>Finds the table's columns in the header; a required one missing is an error naming it.</summary>
    private static (int Index, EtlField Field)[] MapHeader(SepReaderHeader header, string source, EtlTable table)
    {
        if (header.IsEmpty) EtlEmitter.Throw(source, 1, null, null, "empty file: no header line");
        uint used = EtlFields.Used(table);
        uint found = 0;
        var map = new List<(int, EtlField)>();
        var names = header.ColNames;
        for (int i = 0; i < names.Count; i++)
        {
            var field = EtlFields.Lookup(Encoding.UTF8.GetBytes(TrimName(names[i])));
            if (field == EtlField.None || (used & EtlFields.Bit(field)) == 0) continue;
            if ((found & EtlFields.Bit(field)) != 0)
                EtlEmitter.Throw(source, 1, null, EtlFields.NameOf(field), "column appears twice in the header");
            found |= EtlFields.Bit(field);
            map.Add((i, field));
        }
        uint needed = EtlFields.Required(table) | EtlFields.RequiredColumnsMayBeEmpty(table);
        for (int f = 1; f < EtlFields.Count; f++)
        {
            uint bit = 1u << f;
            if ((needed & bit) != 0 && (found & bit) == 0)
                EtlEmitter.Throw(source, 1, null, EtlFields.NameOf((EtlField)f),
                    $"column missing from the header of this {EtlEmitter.TableName(table)} file");
        }
        return [.. map];
    }

    private static string TrimName(string name)
    {
        var s = name.Trim().TrimStart('\uFEFF');
        if (s.Length >= 2 && s[0] == '"' && s[^1] == '"') s = s[1..^1];
        return s;
    }

    private static void ReadRow(SepReader.Row row, (int Index, EtlField Field)[] columns, string[] headerNames, EtlTable table,
        EtlEmitter emitter, int maxRecordBytes)
    {
        long line = row.LineNumberFrom;
        var raw = row.Span;
        ref var r = ref emitter.Record;
        r.Reset();
        if (raw.Count('"') % 2 != 0)
        {
            BadQuote(row, headerNames, emitter, line);
            return;
        }
        if (row.ColCount != headerNames.Length)
        {
            if (row.ColCount == 1 && EtlText.IsBlank(raw)) return; // an empty line
            BadColumnCount(row, headerNames, emitter, line);
            return;
        }
        if (raw.Length > maxRecordBytes)
        {
            emitter.Bad(line, null, null, $"row longer than {maxRecordBytes} characters");
            return;
        }
        foreach (var (index, field) in columns)
        {
            var cell = row[index].Span;
            if (!cell.IsEmpty && cell[0] == '"')
            {
                if (cell.Length < 2 || cell[^1] != '"')
                {
                    emitter.BadField(line, null, field, FieldProblem.BadQuote);
                    return;
                }
                cell = cell[1..^1];
            }
            var problem = r.Set(field, cell);
            if (problem != FieldProblem.None)
            {
                emitter.BadField(line, null, field, problem);
                return;
            }
        }
        emitter.Emit(table, line, null);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void BadQuote(SepReader.Row row, string[] headerNames, EtlEmitter emitter, long line)
    {
        // The cell that opens a quote it never closes (it swallows the rest of the row, or of the file).
        string? column = null;
        for (int i = 0; i < row.ColCount && column is null; i++)
        {
            var cell = row[i].Span;
            if (cell.IsEmpty || cell[0] != '"') continue;
            if (cell.Length < 2 || cell[^1] != '"' || cell.Count('"') % 2 != 0) column = i < headerNames.Length ? headerNames[i] : null;
        }
        emitter.Bad(line, null, column, EtlText.Describe(FieldProblem.BadQuote));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void BadColumnCount(SepReader.Row row, string[] headerNames, EtlEmitter emitter, long line)
    {
        if (row.ColCount < headerNames.Length)
            emitter.Bad(line, null, headerNames[row.ColCount],
                $"missing: the row has {row.ColCount} of the header's {headerNames.Length} columns (truncated or malformed row)");
        else
            emitter.Bad(line, null, null, $"{row.ColCount} columns where the header has {headerNames.Length} (malformed row)");
    }
}
