using System.Globalization;
using System.Text.Json;
using ChainTrace.Primitives;
using ChainTrace.Reporting;
using ChainTrace.Storage;
using ChainTrace.Tests.Cli;
using nietras.SeparatedValues;
using Parquet;
using Parquet.Schema;
using Xunit;

namespace ChainTrace.Tests.Reporting;

public sealed class TransferExportTests
{
    /// <summary>Random transfers over a few blocks, with amounts past 64 bits, some blocks without time, some txs without hash.</summary>
    private static FakeTransferReader RandomChain(int seed, int transfers, ChainProfile profile)
    {
        var rng = new Random(seed);
        var r = new FakeTransferReader(profile);
        r.Tokens[1] = profile.DefaultToken.Contract;
        var addresses = new List<uint> { r.Intern(Address.Zero) };
        for (int i = 0; i < 30; i++)
        {
            var b = new byte[20];
            rng.NextBytes(b);
            addresses.Add(r.Intern(new Address(b)));
        }
        ulong block = 1_000_000;
        var seen = new HashSet<Seq>();
        for (int i = 0; i < transfers; i++)
        {
            if (rng.Next(4) == 0) block += (ulong)rng.Next(1, 5);
            if (rng.Next(5) != 0) r.BlockTimes[block] = 1_600_000_000 + (long)block;
            uint tx = (uint)rng.Next(0, 50);
            var seq = Seq.ForLog(block, tx, (uint)rng.Next(0, 300));
            if (!seen.Add(seq)) continue;
            if (rng.Next(6) != 0)
            {
                var h = new byte[32];
                rng.NextBytes(h);
                r.TxHashes[(block, tx)] = new Hash32(h);
            }
            var amount = rng.Next(3) switch
            {
                0 => new UInt256((ulong)rng.NextInt64()),
                1 => new UInt256((ulong)rng.NextInt64(), (ulong)rng.NextInt64(), 0, (ulong)rng.NextInt64()),
                _ => UInt256.MaxValue,
            };
            r.Transfers.Add(new TransferRecord(seq, 1, addresses[rng.Next(addresses.Count)], addresses[rng.Next(addresses.Count)], amount));
        }
        r.Transfers.Sort((a, b) => a.Seq.CompareTo(b.Seq));
        return r;
    }

    /// <summary>The expected export, computed plainly from the reader's records.</summary>
    private static List<string[]> Expected(FakeTransferReader r, ulong? fromBlock = null, ulong? toBlock = null)
    {
        string Addr(uint id)
        {
            var a = id == 0 ? Address.Zero : r.GetAddress(id);
            return r.Profile.AddressFormat == AddressFormat.Hex ? a.ToHex() : a.ToTron();
        }
        return r.Transfers
            .Where(t => (fromBlock is null || t.Seq.Block >= fromBlock) && (toBlock is null || t.Seq.Block <= toBlock))
            .Select(t => new[]
            {
                r.Profile.AddressFormat == AddressFormat.Hex ? r.Tokens[t.TokenId].ToHex() : r.Tokens[t.TokenId].ToTron(),
                Addr(t.FromId), Addr(t.ToId),
                t.Amount.ToBigInteger().ToString(CultureInfo.InvariantCulture),
                r.TxHashes.TryGetValue((t.Seq.Block, t.Seq.TxIndex), out var h) ? h.ToString() : "",
                (t.Seq.Sub - 1).ToString(CultureInfo.InvariantCulture),
                t.Seq.Block.ToString(CultureInfo.InvariantCulture),
                r.BlockTimes.TryGetValue(t.Seq.Block, out var ts) ? ts.ToString(CultureInfo.InvariantCulture) : "",
            }).ToList();
    }

    [Theory]
    [InlineData(1, "ethereum")]
    [InlineData(2, "tron")]
    public async Task Csv_RoundTrip_EqualsScannedTransfers(int seed, string chain)
    {
        var reader = RandomChain(seed, 2000, ChainProfile.Get(chain));
        using var ms = new MemoryStream();
        long n = await TransferExport.WriteAsync(reader, ms, TransferExportFormat.Csv);

        var rows = new List<string[]>();
        using (var sep = Sep.Reader().From(ms.ToArray()))
        {
            Assert.Equal(TransferExport.Columns, sep.Header.ColNames);
            foreach (var row in sep)
            {
                var cols = new string[row.ColCount];
                for (int i = 0; i < cols.Length; i++) cols[i] = row[i].ToString();
                rows.Add(cols);
            }
        }
        var expected = Expected(reader);
        Assert.Equal(expected.Count, n);
        Assert.Equal(expected, rows);
        Assert.Contains(rows, r => r[3] == UInt256.MaxValue.ToBigInteger().ToString(CultureInfo.InvariantCulture));
        if (chain == "ethereum") Assert.All(rows, r => Assert.Equal(r[1], r[1].ToLowerInvariant()));
        else Assert.All(rows, r => Assert.StartsWith("T", r[1], StringComparison.Ordinal));
    }

    [Fact]
    public async Task Csv_BlockRange_IsInclusiveOnBothEnds()
    {
        var reader = RandomChain(3, 1500, ChainProfile.Ethereum);
        var blocks = reader.Transfers.Select(t => t.Seq.Block).Distinct().Order().ToList();
        ulong from = blocks[blocks.Count / 4], to = blocks[blocks.Count / 2];
        using var ms = new MemoryStream();
        long n = await TransferExport.WriteAsync(reader, ms, TransferExportFormat.Csv,
            new TransferExportOptions { FromBlock = from, ToBlock = to });
        var expected = Expected(reader, from, to);
        Assert.Equal(expected.Count, n);
        var lines = System.Text.Encoding.UTF8.GetString(ms.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(expected.Select(e => string.Join(',', e)), lines.Skip(1));
        Assert.Equal(from.ToString(CultureInfo.InvariantCulture), lines[1].Split(',')[6]);
        Assert.Equal(to.ToString(CultureInfo.InvariantCulture), lines[^1].Split(',')[6]);
    }

    [Fact]
    public async Task Jsonl_RoundTrip_EqualsScannedTransfers_WithExactValues()
    {
        var reader = RandomChain(4, 1000, ChainProfile.Ethereum);
        using var ms = new MemoryStream();
        await TransferExport.WriteAsync(reader, ms, TransferExportFormat.Jsonl);
        var lines = System.Text.Encoding.UTF8.GetString(ms.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var expected = Expected(reader);
        Assert.Equal(expected.Count, lines.Length);
        for (int i = 0; i < lines.Length; i++)
        {
            using var doc = JsonDocument.Parse(lines[i]);
            var o = doc.RootElement;
            var e = expected[i];
            Assert.Equal(e[0], o.GetProperty("token_address").GetString());
            Assert.Equal(e[1], o.GetProperty("from_address").GetString());
            Assert.Equal(e[2], o.GetProperty("to_address").GetString());
            Assert.Equal(JsonValueKind.String, o.GetProperty("value").ValueKind);
            Assert.Equal(e[3], o.GetProperty("value").GetString());
            Assert.Equal(e[4], o.GetProperty("transaction_hash").GetString());
            Assert.Equal(long.Parse(e[5], CultureInfo.InvariantCulture), o.GetProperty("log_index").GetInt64());
            Assert.Equal(long.Parse(e[6], CultureInfo.InvariantCulture), o.GetProperty("block_number").GetInt64());
            var ts = o.GetProperty("block_timestamp");
            Assert.Equal(e[7], ts.ValueKind == JsonValueKind.Null ? "" : ts.GetInt64().ToString(CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public async Task Parquet_ReadsBackWithSameRows_AcrossRowGroups()
    {
        var reader = RandomChain(5, 2500, ChainProfile.Ethereum);
        using var ms = new MemoryStream();
        long n = await TransferExport.WriteAsync(reader, ms, TransferExportFormat.Parquet, new TransferExportOptions { RowGroupSize = 700 });
        ms.Position = 0;

        var expected = Expected(reader);
        Assert.Equal(expected.Count, n);
        var rows = new List<string[]>();
        var pr = await ParquetReader.CreateAsync(ms);
        await using (pr)
        {
            Assert.True(pr.RowGroupCount > 1);
            var f = pr.Schema.GetDataFields();
            Assert.Equal(TransferExport.Columns, f.Select(x => x.Name));
            // What DuckDB and Spark see: value is a UTF-8 string column, block_number a required INT64.
            var physical = pr.Metadata!.Schema.ToDictionary(e => e.Name);
            Assert.Equal(Parquet.Meta.Type.BYTE_ARRAY, physical["value"].Type);
            Assert.True(physical["value"].LogicalType?.STRING is not null || physical["value"].ConvertedType == Parquet.Meta.ConvertedType.UTF8);
            Assert.Equal(Parquet.Meta.Type.INT64, physical["block_number"].Type);
            Assert.Equal(Parquet.Meta.FieldRepetitionType.REQUIRED, physical["block_number"].RepetitionType);
            Assert.Equal(Parquet.Meta.FieldRepetitionType.OPTIONAL, physical["block_timestamp"].RepetitionType);
            for (int g = 0; g < pr.RowGroupCount; g++)
            {
                using var rg = pr.OpenRowGroupReader(g);
                int count = (int)rg.RowCount;
                var s = new string?[5][];
                for (int c = 0; c < 5; c++)
                {
                    s[c] = new string?[count];
                    await rg.ReadAsync(f[c], s[c].AsMemory(), null);
                }
                var logIndex = new long[count];
                var block = new long[count];
                var time = new long?[count];
                await rg.ReadAsync<long>(f[5], logIndex.AsMemory(), null);
                await rg.ReadAsync<long>(f[6], block.AsMemory(), null);
                await rg.ReadAsync<long>(f[7], time.AsMemory(), null);
                for (int i = 0; i < count; i++)
                    rows.Add([s[0][i]!, s[1][i]!, s[2][i]!, s[3][i]!, s[4][i]!,
                        logIndex[i].ToString(CultureInfo.InvariantCulture), block[i].ToString(CultureInfo.InvariantCulture),
                        time[i]?.ToString(CultureInfo.InvariantCulture) ?? ""]);
            }
        }
        Assert.Equal(expected, rows);
    }

    [Fact]
    public async Task EmptyStore_WritesHeaderOnly()
    {
        var reader = new FakeTransferReader(ChainProfile.Ethereum);
        using var ms = new MemoryStream();
        Assert.Equal(0, await TransferExport.WriteAsync(reader, ms, TransferExportFormat.Csv));
        Assert.Equal(string.Join(',', TransferExport.Columns) + "\n", System.Text.Encoding.UTF8.GetString(ms.ToArray()));
    }

    [Theory]
    [InlineData("CSV", TransferExportFormat.Csv)]
    [InlineData("jsonl", TransferExportFormat.Jsonl)]
    [InlineData("parquet", TransferExportFormat.Parquet)]
    public void TryParseFormat_KnowsTheNames(string name, TransferExportFormat expected)
    {
        Assert.True(TransferExport.TryParseFormat(name, out var f));
        Assert.Equal(expected, f);
        Assert.False(TransferExport.TryParseFormat("xlsx", out _));
    }

}
