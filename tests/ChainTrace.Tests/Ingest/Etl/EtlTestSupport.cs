using System.Globalization;
using System.Text;
using ChainTrace.Ingest;
using ChainTrace.Ingest.Etl;
using ChainTrace.Primitives;
using FsCheck;
using FsCheck.Fluent;

namespace ChainTrace.Tests.Ingest.Etl;

/// <summary>Collects every sink call, in order.</summary>
internal sealed class EtlRecordingSink : IChainEventSink
{
    public List<BlockHeader> Blocks { get; } = [];
    public List<TransactionRecord> Transactions { get; } = [];
    public List<TokenEvent> Events { get; } = [];
    public List<(SkipReason Reason, ulong Block)> Skipped { get; } = [];

    public void OnBlock(in BlockHeader block) => Blocks.Add(block);
    public void OnTransaction(in TransactionRecord transaction) => Transactions.Add(transaction);
    public void OnTokenEvent(in TokenEvent tokenEvent) => Events.Add(tokenEvent);
    public void OnSkipped(SkipReason reason, ulong block) => Skipped.Add((reason, block));

    public int SkipCount(SkipReason reason) => Skipped.Count(s => s.Reason == reason);
}

/// <summary>Readable forms of the event structs, so that a failing comparison shows what differs.</summary>
internal static class Show
{
    public static string Of(in TokenEvent e) =>
        $"{e.Kind} b={e.Block} tx={e.TxIndex} log={e.LogIndex} txh={e.TxHash} bh={e.BlockHash} t={e.Timestamp} " +
        $"token={e.Token} from={e.From} to={e.To} amount={e.Amount} removed={e.Removed}";

    public static string Of(in BlockHeader b) =>
        $"block {b.Number} {b.Hash} parent={b.ParentHash} t={b.Timestamp} n={b.TransactionCount}";

    public static string Of(in TransactionRecord t) =>
        $"tx b={t.Block} i={t.TxIndex} {t.Hash} from={t.From} to={(t.HasTo ? t.To.ToString() : "(create)")} hasTo={t.HasTo} v={t.Value} t={t.Timestamp}";

    public static List<string> All(IEnumerable<TokenEvent> events) => events.Select(e => Of(e)).ToList();
    public static List<string> All(IEnumerable<BlockHeader> blocks) => blocks.Select(b => Of(b)).ToList();
    public static List<string> All(IEnumerable<TransactionRecord> txs) => txs.Select(t => Of(t)).ToList();
}

// ----- A generated chain: blocks, transactions, token transfers -----

internal sealed record TransferSpec(uint LogIndex, Address Token, Address From, Address To, UInt256 Value);

internal sealed record TxSpec(Hash32 Hash, uint Index, Address From, Address? To, UInt256 Value, ulong Nonce, TransferSpec[] Transfers);

internal sealed record BlockSpec(ulong Number, Hash32 Hash, Hash32 Parent, long Timestamp, TxSpec[] Txs);

internal sealed record ChainSpec(BlockSpec[] Blocks)
{
    public IEnumerable<(BlockSpec Block, TxSpec Tx, TransferSpec Transfer)> Transfers =>
        from b in Blocks from t in b.Txs from x in t.Transfers select (b, t, x);

    public IEnumerable<(BlockSpec Block, TxSpec Tx)> Txs => from b in Blocks from t in b.Txs select (b, t);

    public override string ToString() =>
        $"{Blocks.Length} blocks, {Txs.Count()} txs, {Transfers.Count()} transfers: " +
        string.Join("; ", Blocks.Select(b => $"{b.Number}:[{string.Join(",", b.Txs.Select(t => t.Transfers.Length))}]"));
}

internal static class EtlGen
{
    public static Gen<byte[]> Bytes(int n) => Gen.ArrayOf(Gen.Choose(0, 255).Select(i => (byte)i), n);

    public static Gen<Address> Address =>
        Gen.Frequency((9, Bytes(20).Select(b => new Address(b))), (1, Gen.Constant(ChainTrace.Primitives.Address.Zero)));

    public static Gen<Hash32> Hash => Bytes(32).Select(b => new Hash32(b));

    public static Gen<ulong> UInt64 => Gen.ArrayOf(Gen.Choose(0, 65535), 4)
        .Select(p => ((ulong)(uint)p[0] << 48) | ((ulong)(uint)p[1] << 32) | ((ulong)(uint)p[2] << 16) | (uint)p[3]);

    private static readonly UInt256[] Edges =
    [
        UInt256.Zero, UInt256.One, UInt256.MaxValue, new UInt256(ulong.MaxValue), new UInt256(0, 1),
        new UInt256(ulong.MaxValue, ulong.MaxValue), new UInt256(0, 0, 0, 1), new UInt256(9_999_999_999_999_999_999UL),
        UInt256.FromBigInteger(System.Numerics.BigInteger.Pow(10, 77)),
    ];

    /// <summary>Amounts from 0 to 2^256 − 1: small, 64-bit, full 256-bit, and edge values.</summary>
    public static Gen<UInt256> Amount => Gen.Frequency(
        (3, Gen.Choose(0, 1_000_000).Select(i => new UInt256((ulong)i))),
        (3, UInt64.Select(v => new UInt256(v))),
        (3, Gen.ArrayOf(UInt64, 4).Select(l => new UInt256(l[0], l[1], l[2], l[3]))),
        (1, Gen.ArrayOf(UInt64, 2).Select(l => new UInt256(l[0], l[1]))),
        (2, Gen.Elements(Edges)));

    private sealed record RawTransfer(int Gap, Address Token, Address From, Address To, UInt256 Value);
    private sealed record RawTx(Hash32 Hash, Address From, Address? To, UInt256 Value, ulong Nonce, RawTransfer[] Transfers);
    private sealed record RawBlock(int Gap, Hash32 Hash, long Timestamp, RawTx[] Txs);

    private static Gen<RawTransfer> RawTransferGen =>
        from gap in Gen.Frequency((3, Gen.Constant(0)), (1, Gen.Choose(1, 3)))
        from token in Address
        from f in Address
        from t in Address
        from v in Amount
        select new RawTransfer(gap, token, f, t, v);

    private static Gen<RawTx> RawTxGen =>
        from h in Hash
        from f in Address
        from to in Gen.Frequency((1, Gen.Constant<Address?>(null)), (5, Address.Select(a => (Address?)a)))
        from v in Amount
        from nonce in Gen.Choose(0, 100000)
        from n in Gen.Frequency((2, Gen.Constant(0)), (5, Gen.Choose(1, 3)))
        from xs in Gen.ArrayOf(RawTransferGen, n)
        select new RawTx(h, f, to, v, (ulong)nonce, xs);

    private static Gen<RawBlock> RawBlockGen =>
        from gap in Gen.Frequency((3, Gen.Constant(1)), (1, Gen.Choose(2, 5000)))
        from h in Hash
        from ts in Gen.Choose(1_438_269_973, int.MaxValue)
        from n in Gen.Choose(0, 5)
        from txs in Gen.ArrayOf(RawTxGen, n)
        select new RawBlock(gap, h, ts, txs);

    /// <summary>A short chain: ascending block numbers, dense tx indexes, log indexes growing with tx index (with gaps for other logs).</summary>
    public static Gen<ChainSpec> Chain =>
        from start in Gen.Choose(0, 20_000_000)
        from n in Gen.Choose(1, 6)
        from raw in Gen.ArrayOf(RawBlockGen, n)
        select Build((ulong)start, raw);

    private static ChainSpec Build(ulong start, RawBlock[] raw)
    {
        var blocks = new List<BlockSpec>();
        ulong number = start;
        var parent = default(Hash32);
        int unique = 0;
        foreach (var rb in raw)
        {
            number += (ulong)rb.Gap;
            var hash = Unique(rb.Hash, ++unique);
            var txs = new List<TxSpec>();
            uint logIndex = 0;
            for (int i = 0; i < rb.Txs.Length; i++)
            {
                var rt = rb.Txs[i];
                var transfers = new List<TransferSpec>();
                foreach (var x in rt.Transfers)
                {
                    logIndex += (uint)x.Gap;
                    transfers.Add(new TransferSpec(logIndex++, x.Token, x.From, x.To, x.Value));
                }
                txs.Add(new TxSpec(Unique(rt.Hash, ++unique), (uint)i, rt.From, rt.To, rt.Value, rt.Nonce, [.. transfers]));
            }
            blocks.Add(new BlockSpec(number, hash, parent, rb.Timestamp, [.. txs]));
            parent = hash;
        }
        return new ChainSpec([.. blocks]);
    }

    // Random hashes with a counter in the first bytes, so no two are equal.
    private static Hash32 Unique(Hash32 h, int counter)
    {
        Span<byte> b = stackalloc byte[32];
        h.WriteTo(b);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(b, counter);
        return new Hash32(b);
    }
}

// ----- Writing generated records as ethereum-etl files (plain reference writers) -----

/// <summary>One cell: its text, whether ethereum-etl writes it as a JSON number, and None (empty / null).</summary>
internal readonly record struct Cell(string? Text, bool IsNumber = false)
{
    public static Cell Num(ulong v) => new(v.ToString(CultureInfo.InvariantCulture), true);
    public static Cell Num(long v) => new(v.ToString(CultureInfo.InvariantCulture), true);
    public static Cell Num(UInt256 v) => new(v.ToString(), true);
    public static Cell Hex(string hex) => new(hex);
    public static readonly Cell None = new(null);
}

/// <summary>How a generated file is formatted: all choices come from one seed, so a failure replays.</summary>
internal sealed class EtlFormat(int seed)
{
    private readonly Random _rng = new(seed);

    public int Seed { get; } = seed;
    public bool Chance(double p) => _rng.NextDouble() < p;
    public int Next(int max) => _rng.Next(max);

    /// <summary>Hex with random letter case after the 0x.</summary>
    public string Case(string hex)
    {
        if (!Chance(0.3)) return hex;
        var sb = new StringBuilder(hex.Length);
        sb.Append(hex, 0, 2);
        for (int i = 2; i < hex.Length; i++) sb.Append(Chance(0.5) ? char.ToUpperInvariant(hex[i]) : hex[i]);
        return sb.ToString();
    }

    public T[] Shuffle<T>(IEnumerable<T> items)
    {
        var a = items.ToArray();
        for (int i = a.Length - 1; i > 0; i--)
        {
            int j = _rng.Next(i + 1);
            (a[i], a[j]) = (a[j], a[i]);
        }
        return a;
    }

    private static readonly string[] ExtraTexts =
    [
        "", "plain", "with,comma", "with \"quotes\"", "multi\nline", "crlf\r\nline", "ünïcödé ✓", "0x", "\"", ",,,",
        "   spaced   ", "{\"json\": [1,2]}",
    ];

    public string ExtraText() => ExtraTexts[_rng.Next(ExtraTexts.Length)];
}

internal static class EtlWriter
{
    /// <summary>Columns of a row in ethereum-etl's order; the writer shuffles them and adds extra columns.</summary>
    public sealed record Table(string[] Columns, List<Cell[]> Rows, string JsonType);

    public static string ToCsv(Table table, EtlFormat f)
    {
        var extras = new[] { "gas", "input", "note", "extra_data", "withdrawals" }.Except(table.Columns).Take(f.Next(4)).ToArray();
        var order = f.Shuffle(Enumerable.Range(0, table.Columns.Length).Select(i => (Name: table.Columns[i], Index: i))
            .Concat(extras.Select(e => (Name: e, Index: -1))));
        string eol = f.Chance(0.5) ? "\r\n" : "\n";
        var sb = new StringBuilder();
        sb.Append(string.Join(",", order.Select(c => f.Chance(0.1) ? $"\"{c.Name}\"" : c.Name))).Append(eol);
        for (int r = 0; r < table.Rows.Count; r++)
        {
            var row = table.Rows[r];
            sb.Append(string.Join(",", order.Select(c => CsvCell(c.Index < 0 ? f.ExtraText() : Text(row[c.Index], f), f))));
            bool last = r == table.Rows.Count - 1;
            if (!last || f.Chance(0.8)) sb.Append(eol);
        }
        return sb.ToString();
    }

    private static string Text(Cell c, EtlFormat f) =>
        c.Text is null ? "" : c.IsNumber ? c.Text : f.Case(c.Text);

    /// <summary>RFC 4180 quoting: always when needed, sometimes when not.</summary>
    public static string CsvCell(string text, EtlFormat f)
    {
        bool needs = text.IndexOfAny([',', '"', '\r', '\n']) >= 0;
        return needs || (text.Length > 0 && f.Chance(0.15)) ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }

    public static string ToJsonLines(Table table, EtlFormat f)
    {
        string eol = f.Chance(0.5) ? "\r\n" : "\n";
        var sb = new StringBuilder();
        for (int r = 0; r < table.Rows.Count; r++)
        {
            var row = table.Rows[r];
            var props = new List<string>();
            for (int i = 0; i < table.Columns.Length; i++)
            {
                if (table.Columns[i] == "topics") props.Add($"\"topics\": {row[i].Text}"); // already a JSON array
                else props.Add($"\"{table.Columns[i]}\":{(f.Chance(0.3) ? " " : "")}{JsonValue(row[i], f)}");
            }
            if (f.Chance(0.6)) props.Add($"\"type\": \"{table.JsonType}\"");
            if (f.Chance(0.4)) props.Add("\"withdrawals\": [{\"index\": 1, \"address\": \"0x00\"}, []]");
            if (f.Chance(0.3)) props.Add("\"note\": \"esc\\\"aped \\u00e9 \\n\"");
            if (f.Chance(0.3)) props.Add("\"flag\": true, \"nothing\": null, \"gas_used\": 21000");
            sb.Append('{').Append(string.Join(", ", f.Shuffle(props))).Append('}');
            bool last = r == table.Rows.Count - 1;
            if (!last || f.Chance(0.8)) sb.Append(eol);
        }
        return sb.ToString();
    }

    private static string JsonValue(Cell c, EtlFormat f)
    {
        if (c.Text is null) return "null";
        if (c.IsNumber && f.Chance(0.7)) return c.Text;
        return "\"" + (c.IsNumber ? c.Text : f.Case(c.Text)) + "\"";
    }

    public static string Hex(Address a) => a.ToHex();
    public static string Hex(Hash32 h) => h.ToString();

    public static Table Blocks(ChainSpec chain, bool withTxCount)
    {
        string[] cols = withTxCount
            ? ["number", "hash", "parent_hash", "nonce", "miner", "difficulty", "timestamp", "transaction_count", "base_fee_per_gas"]
            : ["number", "hash", "parent_hash", "nonce", "miner", "difficulty", "timestamp", "base_fee_per_gas"];
        var rows = chain.Blocks.Select(b =>
        {
            var cells = new List<Cell>
            {
                Cell.Num(b.Number), Cell.Hex(Hex(b.Hash)), Cell.Hex(Hex(b.Parent)), Cell.Hex("0x0000000000000042"),
                Cell.Hex("0x5a0b54d5dc17e0aadc383d2db43b0a0d3e029c4c"), Cell.Num(UInt256.Parse("58750003716598352816469")),
                Cell.Num(b.Timestamp),
            };
            if (withTxCount) cells.Add(Cell.Num((ulong)b.Txs.Length));
            cells.Add(Cell.None);
            return cells.ToArray();
        }).ToList();
        return new Table(cols, rows, "block");
    }

    public static Table Transactions(ChainSpec chain, bool withTimestamp)
    {
        string[] cols = withTimestamp
            ? ["hash", "nonce", "block_hash", "block_number", "transaction_index", "from_address", "to_address", "value", "gas", "gas_price", "input", "block_timestamp", "transaction_type"]
            : ["hash", "nonce", "block_hash", "block_number", "transaction_index", "from_address", "to_address", "value", "gas", "gas_price", "input", "transaction_type"];
        var rows = chain.Txs.Select(p =>
        {
            var (b, t) = p;
            var cells = new List<Cell>
            {
                Cell.Hex(Hex(t.Hash)), Cell.Num(t.Nonce), Cell.Hex(Hex(b.Hash)), Cell.Num(b.Number), Cell.Num((ulong)t.Index),
                Cell.Hex(Hex(t.From)), t.To is { } to ? Cell.Hex(Hex(to)) : Cell.None, Cell.Num(t.Value), Cell.Num(21000UL),
                Cell.Num(UInt256.Parse("30000000000")), Cell.Hex("0xa9059cbb00"),
            };
            if (withTimestamp) cells.Add(Cell.Num(b.Timestamp));
            cells.Add(Cell.Num(2UL));
            return cells.ToArray();
        }).ToList();
        return new Table(cols, rows, "transaction");
    }

    /// <summary>token_transfers rows, block by block; within a block optionally shuffled (an unsorted export).</summary>
    public static Table TokenTransfers(ChainSpec chain, bool withTimestamp, bool withBlockHash, EtlFormat? shuffleWithinBlock = null)
    {
        var cols = new List<string> { "token_address", "from_address", "to_address", "value", "transaction_hash", "log_index", "block_number" };
        if (withTimestamp) cols.Add("block_timestamp");
        if (withBlockHash) cols.Add("block_hash");
        var rows = new List<Cell[]>();
        foreach (var b in chain.Blocks)
        {
            var blockRows = b.Txs.SelectMany(t => t.Transfers.Select(x =>
            {
                var cells = new List<Cell>
                {
                    Cell.Hex(Hex(x.Token)), Cell.Hex(Hex(x.From)), Cell.Hex(Hex(x.To)), Cell.Num(x.Value), Cell.Hex(Hex(t.Hash)),
                    Cell.Num((ulong)x.LogIndex), Cell.Num(b.Number),
                };
                if (withTimestamp) cells.Add(Cell.Num(b.Timestamp));
                if (withBlockHash) cells.Add(Cell.Hex(Hex(b.Hash)));
                return cells.ToArray();
            })).ToArray();
            rows.AddRange(shuffleWithinBlock is null ? blockRows : shuffleWithinBlock.Shuffle(blockRows));
        }
        return new Table([.. cols], rows, "token_transfer");
    }
}
