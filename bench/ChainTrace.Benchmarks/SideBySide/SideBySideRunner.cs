using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using ChainTrace.Indexing;
using ChainTrace.Labels;
using ChainTrace.Primitives;
using ChainTrace.Storage;
using ChainTrace.Synthetic;
using ChainTrace.Tracing;
using DuckDB.NET.Data;
using TraceOptions = ChainTrace.Tracing.TraceOptions;

namespace ChainTrace.Benchmarks.SideBySide;

/// <summary>
/// ChainTrace next to what an analyst would otherwise use: the same synthetic chain indexed by ChainTrace and
/// loaded into DuckDB, then for each planted laundering case ChainTrace's forward poison trace (and haircut,
/// which has no SQL counterpart) against the recursive SQL of <see cref="SqlTrace.PoisonQuery"/>; latencies,
/// ratio, and whether both reach the same terminals with the same amounts. Writes the queries to
/// <c>DIR/queries.sql</c> for tools/sidebyside/postgres.sh.
/// Usage: <c>sidebyside [--transfers N] [--hops H] [--repeat R] [--dir DIR] [--window case|all]</c>; <c>--window all</c> traces
/// over the whole chain instead of each case's block window.
/// </summary>
internal static class SideBySideRunner
{
    private static readonly string[] StopCategories = [.. LabelCategories.DefaultStops];

    public static int Run(string[] args)
    {
        long transfers = 1_000_000;
        int hops = 5, repeat = 10;
        string? dir = null;
        bool wholeChain = false;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--transfers": transfers = long.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--hops": hops = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--repeat": repeat = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--dir": dir = args[++i]; break;
                case "--window":
                    wholeChain = args[++i] switch { "case" => false, "all" => true, var w => throw new ArgumentException($"--window {w}: expected case or all") };
                    break;
                default:
                    Console.Error.WriteLine($"unknown option {args[i]}; usage: sidebyside [--transfers N] [--hops H] [--repeat R] [--dir DIR] [--window case|all]");
                    return 2;
            }
        }
        dir ??= Path.Combine(Path.GetTempPath(), "ct-bench-sidebyside-" + transfers.ToString(CultureInfo.InvariantCulture));
        string synthDir = Path.Combine(dir, "synth"), storeDir = Path.Combine(dir, "store");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}; load average {LoadAverage()}");
        var sw = Stopwatch.StartNew();
        if (!File.Exists(Path.Combine(synthDir, "ground-truth.json")))
        {
            Directory.CreateDirectory(synthDir);
            SynthGenerator.Generate(new SynthOptions { Seed = 7, Transfers = transfers, Formats = SynthFormats.All }, synthDir);
            Console.WriteLine($"generated {transfers:N0} synthetic transfers in {sw.Elapsed.TotalSeconds:F1} s");
        }
        var truth = GroundTruth.Load(Path.Combine(synthDir, "ground-truth.json"));
        string labelsCsv = Path.Combine(synthDir, "labels.csv");
        string transfersCsv = Path.Combine(synthDir, "etl", "token_transfers.csv");

        // ChainTrace: index the JSON-RPC dumps and import the labels (fresh store each run).
        if (Directory.Exists(storeDir)) Directory.Delete(storeDir, recursive: true);
        var files = Directory.GetFiles(synthDir, "*.jsonl").Order(StringComparer.Ordinal).ToList();
        sw.Restart();
        using var store = ChainTraceStore.Open(storeDir, new StoreOptions { Profile = ChainProfile.Ethereum });
        new Indexer(store).IndexAsync(files, new IndexOptions()).GetAwaiter().GetResult();
        store.ImportLabels(LabelFileReader.Read(labelsCsv, ChainProfile.Ethereum).Labels);
        store.Compact();
        double indexSeconds = sw.Elapsed.TotalSeconds;
        Console.WriteLine($"ChainTrace: indexed logs.jsonl + blocks.jsonl, imported labels, compacted in {indexSeconds:F2} s");

        // DuckDB: what an analyst loads (token_transfers.csv of an ethereum-etl export, labels.csv).
        using var duck = new DuckDBConnection("Data Source=:memory:");
        duck.Open();
        Exec(duck, "PRAGMA threads=2");
        sw.Restart();
        Exec(duck, LoadSql(transfersCsv, labelsCsv));
        double loadSeconds = sw.Elapsed.TotalSeconds;
        long rows = Convert.ToInt64(Scalar(duck, "SELECT COUNT(*) FROM transfers"), CultureInfo.InvariantCulture);
        Console.WriteLine($"DuckDB {Scalar(duck, "SELECT version()")}: loaded {rows:N0} transfers + labels (CREATE TABLE AS SELECT from read_csv) in {loadSeconds:F2} s");

        var tracer = new Tracer(store);
        var ctPoison = new List<double>();
        var ctHaircut = new List<double>();
        var sqlPoison = new List<double>();
        double sumCt = 0, sumSql = 0;
        int agreeTerminals = 0, agreeAmounts = 0;
        string queriesPath = Path.Combine(dir, wholeChain ? "queries-all.sql" : "queries.sql");
        using var queries = new StreamWriter(queriesPath);
        using var answers = new StreamWriter(Path.ChangeExtension(queriesPath, ".duckdb.txt"));
        Console.WriteLine($"{truth.Cases.Count} planted cases, hops {hops}, window {(wholeChain ? "whole chain" : "each case's blocks")}, {repeat} timed runs per query after one warm-up");
        Console.WriteLine("case       kind             terminals CT/SQL  same  amounts  CT poison p50 ms  CT haircut p50 ms  SQL p50 ms  ratio");
        foreach (var c in truth.Cases)
        {
            ulong since = wholeChain ? truth.Run.StartBlock : c.FromBlock, until = wholeChain ? truth.Run.EndBlock : c.ToBlock;
            var seeds = c.Seeds.Select(s => s.ToLowerInvariant()).ToList();
            var options = new TraceOptions
            {
                Seeds = [.. seeds.Select(Address.Parse)],
                Hops = hops,
                Models = TraceModel.Poison,
                SinceBlock = since,
                UntilBlock = until,
                MaxDegree = null,
                StopCategories = StopCategories,
                PathsPerTerminal = 0,
            };
            var haircut = options with { Models = TraceModel.Haircut };
            string sql = SqlTrace.PoisonQuery(seeds, hops, since, until, StopCategories);
            queries.WriteLine($"-- {c.Id} ({c.Kind})");
            queries.WriteLine(sql + ";");

            var engine = new Dictionary<string, BigInteger>(StringComparer.Ordinal);
            var first = tracer.Trace(options);
            foreach (var t in first.Get(TraceModel.Poison)!.Terminals) engine[t.Address.ToHex()] = t.Amount.ToBigInteger();
            var fromSql = RunSql(duck, sql);
            var cmp = SqlTrace.Compare(engine, fromSql);
            foreach (var (t, amount) in fromSql.OrderBy(p => p.Key, StringComparer.Ordinal)) answers.WriteLine($"{c.Id} {t} {amount}");
            if (cmp.SameTerminals) agreeTerminals++;
            if (cmp.Identical) agreeAmounts++;

            var a = Time(repeat, () => tracer.Trace(options));
            var h = Time(repeat, () => tracer.Trace(haircut));
            var q = Time(repeat, () => RunSql(duck, sql));
            ctPoison.AddRange(a); ctHaircut.AddRange(h); sqlPoison.AddRange(q);
            double pa = SqlTrace.Percentile(a, 50), ph = SqlTrace.Percentile(h, 50), pq = SqlTrace.Percentile(q, 50);
            sumCt += pa; sumSql += pq;
            Console.WriteLine($"{c.Id,-10} {c.Kind,-16} {cmp.EngineCount,6}/{cmp.SqlCount,-6}      {(cmp.SameTerminals ? "yes" : "NO"),-4}  {(cmp.Identical ? "equal" : "DIFFER"),-7}  {pa,16:F2}  {ph,17:F2}  {pq,10:F1}  {pq / pa,5:F0}x");
            foreach (var t in cmp.OnlyEngine) Console.WriteLine($"    only ChainTrace: {t} {engine[t]}");
            foreach (var t in cmp.OnlySql) Console.WriteLine($"    only SQL: {t} {fromSql[t]}");
            foreach (var (t, e, s) in cmp.AmountMismatches) Console.WriteLine($"    amount differs at {t}: ChainTrace {e}, SQL {s}");
            Console.WriteLine($"    poison reached {first.Get(TraceModel.Poison)!.Summary.NodeCount:N0} addresses, visited {first.Stats.EdgesVisited:N0} edges");
        }
        Console.WriteLine($"all cases: ChainTrace poison p50 {SqlTrace.Percentile(ctPoison, 50):F2} ms p99 {SqlTrace.Percentile(ctPoison, 99):F2} ms; " +
            $"haircut p50 {SqlTrace.Percentile(ctHaircut, 50):F2} ms p99 {SqlTrace.Percentile(ctHaircut, 99):F2} ms; " +
            $"DuckDB recursive SQL p50 {SqlTrace.Percentile(sqlPoison, 50):F1} ms p99 {SqlTrace.Percentile(sqlPoison, 99):F1} ms; " +
            $"ratio of p50s {SqlTrace.Percentile(sqlPoison, 50) / SqlTrace.Percentile(ctPoison, 50):F0}x");
        Console.WriteLine($"sum over cases of per-case p50: ChainTrace poison {sumCt:F1} ms, DuckDB {sumSql:F1} ms, ratio {sumSql / sumCt:F1}x");
        Console.WriteLine($"agreement: same terminals in {agreeTerminals}/{truth.Cases.Count} cases, same poison amounts in {agreeAmounts}/{truth.Cases.Count}");
        Console.WriteLine($"setup: ChainTrace index {indexSeconds:F2} s vs DuckDB load {loadSeconds:F2} s; load average now {LoadAverage()}; queries written to {queriesPath}");
        return agreeTerminals == truth.Cases.Count ? 0 : 1;
    }

    /// <summary>DuckDB load: the ethereum-etl token transfers and the labels, as an analyst would.</summary>
    private static string LoadSql(string transfersCsv, string labelsCsv) =>
        "CREATE TABLE transfers AS SELECT lower(from_address) AS from_addr, lower(to_address) AS to_addr, " +
        "CAST(value AS HUGEINT) AS amount, block_number AS block, block_number * " + SqlTrace.PosBlockFactor.ToString(CultureInfo.InvariantCulture) + " + log_index AS pos " +
        $"FROM read_csv('{transfersCsv.Replace("'", "''", StringComparison.Ordinal)}', header = true, columns = {{'token_address': 'VARCHAR', 'from_address': 'VARCHAR', " +
        "'to_address': 'VARCHAR', 'value': 'VARCHAR', 'transaction_hash': 'VARCHAR', 'log_index': 'BIGINT', 'block_number': 'BIGINT'}); " +
        "CREATE TABLE labels AS SELECT lower(address) AS address, lower(category) AS category " +
        $"FROM read_csv('{labelsCsv.Replace("'", "''", StringComparison.Ordinal)}', header = true, columns = {{'address': 'VARCHAR', 'category': 'VARCHAR', 'name': 'VARCHAR', 'source': 'VARCHAR'}});";

    private static Dictionary<string, BigInteger> RunSql(DuckDBConnection duck, string sql)
    {
        var result = new Dictionary<string, BigInteger>(StringComparer.Ordinal);
        using var cmd = duck.CreateCommand();
        cmd.CommandText = sql;
        using var reader = cmd.ExecuteReader();
        while (reader.Read()) result[reader.GetString(0)] = BigInteger.Parse(reader.GetString(1), CultureInfo.InvariantCulture);
        return result;
    }

    private static List<double> Time(int repeat, Action action)
    {
        action();
        var samples = new List<double>(repeat);
        for (int i = 0; i < repeat; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            action();
            samples.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }
        return samples;
    }

    private static void Exec(DuckDBConnection duck, string sql)
    {
        using var cmd = duck.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static object? Scalar(DuckDBConnection duck, string sql)
    {
        using var cmd = duck.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }

    private static string LoadAverage()
    {
        try { return File.ReadAllText("/proc/loadavg").Split(' ')[0]; }
        catch (IOException) { return "?"; }
    }
}
