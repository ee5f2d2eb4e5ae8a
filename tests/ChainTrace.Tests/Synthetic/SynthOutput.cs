using Xunit;
using System.Globalization;
using System.IO.Compression;
using System.Numerics;
using System.Text.Json;
using ChainTrace.Ingest;
using ChainTrace.Primitives;
using ChainTrace.Synthetic;
using ChainTrace.Tests.Support;

namespace ChainTrace.Tests.Synthetic;

/// <summary>A log as parsed back from logs.jsonl with System.Text.Json (independent of the generator's code).</summary>
public sealed record ParsedLog(
    string Kind, ulong Block, uint TxIndex, uint LogIndex, string TxHash, string BlockHash, long BlockTimestamp,
    string Contract, IReadOnlyList<string> Topics, string Data, Address From, Address To, BigInteger Amount)
{
    /// <summary>Position in the total order.</summary>
    public Seq Seq => Seq.ForLog(Block, TxIndex, LogIndex);
}

/// <summary>A transaction from blocks.jsonl.</summary>
public sealed record ParsedTx(string Hash, ulong Block, uint Index, Address From, Address To, BigInteger Value, string Input, ulong Nonce);

/// <summary>A block from blocks.jsonl.</summary>
public sealed record ParsedBlock(ulong Number, string Hash, string ParentHash, long Timestamp, IReadOnlyList<ParsedTx> Transactions);

/// <summary>A row of labels.csv.</summary>
public sealed record ParsedLabel(Address Address, string Text, string Category, string Name, string Source);

/// <summary>One generated data set read back: the parsed JSON-RPC files, labels and ground truth.</summary>
public sealed class SynthOutput
{
    private SynthOutput(SynthResult result, GroundTruth truth, List<ParsedLog> logs, List<ParsedBlock> blocks, List<ParsedLabel> labels)
    {
        Result = result;
        Truth = truth;
        Logs = logs;
        Blocks = blocks;
        Labels = labels;
    }

    /// <summary>What the generator returned.</summary>
    public SynthResult Result { get; }

    /// <summary>The ground truth.</summary>
    public GroundTruth Truth { get; }

    /// <summary>All logs in file order.</summary>
    public IReadOnlyList<ParsedLog> Logs { get; }

    /// <summary>All blocks in file order.</summary>
    public IReadOnlyList<ParsedBlock> Blocks { get; }

    /// <summary>labels.csv rows.</summary>
    public IReadOnlyList<ParsedLabel> Labels { get; }

    /// <summary>Transfer logs only.</summary>
    public IEnumerable<ParsedLog> Transfers => Logs.Where(l => l.Kind == "Transfer");

    /// <summary>Generates into <paramref name="directory"/> and reads it back (blocks.jsonl only when asked).</summary>
    public static SynthOutput Generate(SynthOptions options, string directory, bool blocks = true)
    {
        var result = SynthGenerator.Generate(options, directory);
        return Read(result, blocks);
    }

    /// <summary>Reads a generated data set (blocks.jsonl only when <paramref name="readBlocks"/>).</summary>
    public static SynthOutput Read(SynthResult result, bool readBlocks = true)
    {
        var truth = GroundTruth.Load(result.GroundTruthJson);
        var logs = new List<ParsedLog>();
        var blocks = new List<ParsedBlock>();
        if (result.JsonRpcFiles.Count > 0)
        {
            foreach (var line in ReadLines(result.JsonRpcFiles.Single(f => Path.GetFileName(f).StartsWith("logs", StringComparison.Ordinal))))
                ParseLogsLine(line, logs);
            if (readBlocks)
                foreach (var line in ReadLines(result.JsonRpcFiles.Single(f => Path.GetFileName(f).StartsWith("blocks", StringComparison.Ordinal))))
                    blocks.Add(ParseBlockLine(line));
        }
        var labels = new List<ParsedLabel>();
        var lines = File.ReadAllLines(result.LabelsCsv);
        Assert.Equal("address,category,name,source", lines[0]);
        foreach (var l in lines.Skip(1))
        {
            var f = l.Split(',');
            Assert.Equal(4, f.Length);
            Assert.True(Address.TryParse(f[0], out var a, out var err), err);
            labels.Add(new ParsedLabel(a, f[0], f[1], f[2], f[3]));
        }
        return new SynthOutput(result, truth, logs, blocks, labels);
    }

    /// <summary>Lines of a text file, gunzipped when it ends in .gz.</summary>
    public static IEnumerable<string> ReadLines(string path)
    {
        using var file = File.OpenRead(path);
        using Stream s = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var reader = new StreamReader(s);
        while (reader.ReadLine() is { } line) yield return line;
    }

    private static readonly string TransferTopic = EventTopics.Transfer.ToString();
    private static readonly string ApprovalTopic = EventTopics.Approval.ToString();
    private static readonly string IssueTopic = EventTopics.Issue.ToString();
    private static readonly string AddedBlackListTopic = EventTopics.AddedBlackList.ToString();

    /// <summary>A 0x quantity of at most 64 bits.</summary>
    public static ulong Quantity(string hex)
    {
        if (!hex.StartsWith("0x", StringComparison.Ordinal)) Assert.Fail($"quantity without 0x: {hex}");
        return ulong.Parse(hex.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
    }

    /// <summary>A 0x quantity or 0x hex number.</summary>
    public static BigInteger HexNumber(string hex)
    {
        if (!hex.StartsWith("0x", StringComparison.Ordinal)) Assert.Fail($"hex number without 0x: {hex}");
        var digits = hex.AsSpan(2);
        if (digits.Length <= 15) return ulong.Parse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        if (digits.Length == 64 && digits[..49].IndexOfAnyExcept('0') < 0)
            return ulong.Parse(digits[49..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        return BigInteger.Parse("0" + hex[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }

    /// <summary>The address in the low 20 bytes of a 32-byte hex word.</summary>
    public static Address WordAddress(string word)
    {
        Span<byte> ascii = stackalloc byte[40];
        if (word.Length != 66 || word.AsSpan(2, 24).IndexOfAnyExcept('0') >= 0 || System.Text.Encoding.ASCII.GetBytes(word.AsSpan(26), ascii) != 40
            || !Address.TryParseHexDigits(ascii, out var a))
        {
            Assert.Fail($"not an address word: {word}");
            return default;
        }
        return a;
    }

    private static void ParseLogsLine(string line, List<ParsedLog> logs)
    {
        using var doc = JsonDocument.Parse(line);
        var root = doc.RootElement;
        Assert.Equal("2.0", root.GetProperty("jsonrpc").GetString());
        foreach (var log in root.GetProperty("result").EnumerateArray())
        {
            var topicsElement = log.GetProperty("topics");
            var topics = new List<string>(topicsElement.GetArrayLength());
            foreach (var t in topicsElement.EnumerateArray()) topics.Add(t.GetString()!);
            string data = log.GetProperty("data").GetString()!;
            if (log.GetProperty("removed").GetBoolean()) Assert.Fail("removed log");
            string kind;
            Address from = default, to = default;
            BigInteger amount = HexNumber(data);
            string t0 = topics[0];
            if (t0 == TransferTopic) { kind = "Transfer"; from = WordAddress(topics[1]); to = WordAddress(topics[2]); }
            else if (t0 == ApprovalTopic) { kind = "Approval"; from = WordAddress(topics[1]); to = WordAddress(topics[2]); }
            else if (t0 == IssueTopic) kind = "Issue";
            else if (t0 == AddedBlackListTopic) { kind = "AddedBlackList"; from = WordAddress(data); amount = 0; }
            else kind = "Other";
            logs.Add(new ParsedLog(kind,
                Quantity(log.GetProperty("blockNumber").GetString()!),
                (uint)Quantity(log.GetProperty("transactionIndex").GetString()!),
                (uint)Quantity(log.GetProperty("logIndex").GetString()!),
                log.GetProperty("transactionHash").GetString()!,
                log.GetProperty("blockHash").GetString()!,
                (long)Quantity(log.GetProperty("blockTimestamp").GetString()!),
                log.GetProperty("address").GetString()!, topics, data, from, to, amount));
        }
    }

    private static ParsedBlock ParseBlockLine(string line)
    {
        using var doc = JsonDocument.Parse(line);
        var b = doc.RootElement.GetProperty("result");
        var txs = new List<ParsedTx>();
        foreach (var tx in b.GetProperty("transactions").EnumerateArray())
        {
            txs.Add(new ParsedTx(
                tx.GetProperty("hash").GetString()!,
                (ulong)HexNumber(tx.GetProperty("blockNumber").GetString()!),
                (uint)HexNumber(tx.GetProperty("transactionIndex").GetString()!),
                Address.Parse(tx.GetProperty("from").GetString()!),
                Address.Parse(tx.GetProperty("to").GetString()!),
                HexNumber(tx.GetProperty("value").GetString()!),
                tx.GetProperty("input").GetString()!,
                (ulong)HexNumber(tx.GetProperty("nonce").GetString()!)));
        }
        return new ParsedBlock(
            (ulong)HexNumber(b.GetProperty("number").GetString()!),
            b.GetProperty("hash").GetString()!,
            b.GetProperty("parentHash").GetString()!,
            (long)HexNumber(b.GetProperty("timestamp").GetString()!),
            txs);
    }

    /// <summary>
    /// The token movements for the reference tracer: Transfer logs, plus Issue logs as mints to the issuer
    /// (from the zero address), in seq order.
    /// </summary>
    public List<RefTransfer> History()
    {
        var issuer = Truth.Run.Issuer is { } i ? Address.Parse(i) : default;
        var list = new List<RefTransfer>();
        foreach (var l in Logs)
        {
            if (l.Kind == "Transfer") list.Add(new RefTransfer(l.Seq, l.From, l.To, l.Amount));
            else if (l.Kind == "Issue") list.Add(new RefTransfer(l.Seq, Address.Zero, issuer, l.Amount));
        }
        list.Sort((a, b) => a.Seq.CompareTo(b.Seq));
        return list;
    }

    /// <summary>
    /// Terminals as a tracer sees them: addresses labelled with a stop category, plus the deposit addresses
    /// (which clustering discovers; the ground truth lists them).
    /// </summary>
    public HashSet<Address> Terminals()
    {
        var set = new HashSet<Address>(Truth.DepositAddresses.Select(d => Address.Parse(d.Address)));
        foreach (var l in Labels)
            if (LabelCategories.DefaultStops.Contains(l.Category)) set.Add(l.Address);
        return set;
    }

    /// <summary>Splits one CSV line (double quotes around fields that hold commas).</summary>
    public static List<string> SplitCsv(string line)
    {
        var fields = new List<string>();
        var sb = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { sb.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else sb.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(sb.ToString()); sb.Clear(); }
            else sb.Append(c);
        }
        fields.Add(sb.ToString());
        return fields;
    }

    /// <summary>Reads an ethereum-etl CSV file as header → rows of name → value.</summary>
    public static (List<string> Header, List<Dictionary<string, string>> Rows) ReadCsv(string path)
    {
        var rows = new List<Dictionary<string, string>>();
        List<string>? header = null;
        foreach (var line in ReadLines(path))
        {
            var f = SplitCsv(line);
            if (header is null) { header = f; continue; }
            Assert.Equal(header.Count, f.Count);
            var row = new Dictionary<string, string>(header.Count);
            for (int i = 0; i < f.Count; i++) row[header[i]] = f[i];
            rows.Add(row);
        }
        return (header!, rows);
    }
}

/// <summary>A temporary directory deleted on dispose.</summary>
public sealed class SynthTempDir : IDisposable
{
    /// <summary>Creates a fresh directory under the system temp path.</summary>
    public SynthTempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "chaintrace-synth-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    /// <summary>The directory.</summary>
    public string Path { get; }

    /// <summary>Deletes it.</summary>
    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
    }
}
