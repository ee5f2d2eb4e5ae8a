using System.Diagnostics;
using System.Globalization;
using ChainTrace.Indexing;
using ChainTrace.Ingest;
using ChainTrace.Ingest.Etl;
using ChainTrace.Primitives;
using ChainTrace.Storage;
using ChainTrace.Storage.Rocks;
using ChainTrace.Storage.Writing;
using IngestExternalFileOptions = RocksDbSharp.IngestExternalFileOptions;
using RocksDb = RocksDbSharp.RocksDb;

namespace ChainTrace.Benchmarks.Indexing;

/// <summary>
/// End-to-end indexing figures: bulk and incremental rates fed straight into the writer (decoding excluded) and
/// through eth_getLogs JSON files (decoding included), the raw SST-ingest rate for the same keys, and bytes per
/// transfer after compaction. Prints a Markdown table.
/// </summary>
internal static class EndToEnd
{
    private sealed record Row(string What, long Transfers, TimeSpan Time, TimeSpan Cpu, string Note = "")
    {
        public double Rate => Transfers / Time.TotalSeconds;
    }

    private static TimeSpan CpuNow()
    {
        using var p = Process.GetCurrentProcess();
        return p.TotalProcessorTime;
    }

    private static TimeSpan _cpuMark;

    private static void Mark() => _cpuMark = CpuNow();

    private static TimeSpan CpuSinceMark() => CpuNow() - _cpuMark;

    public static int Run(string[] args)
    {
        long transfers = 1_000_000;
        long incremental = -1;
        bool? json = null;
        string root = Path.Combine(Path.GetTempPath(), "ct-bench-" + Guid.NewGuid().ToString("N")[..8]);
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--transfers": transfers = long.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--incremental": incremental = long.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--json": json = true; break;
                case "--no-json": json = false; break;
                case "--writer-only": return WriterOnly(transfers, bulk: true);
                case "--writer-only-incremental": return WriterOnly(transfers, bulk: false);
                case "--dir": root = Path.Combine(args[++i], "ct-bench-" + Guid.NewGuid().ToString("N")[..8]); break;
                default:
                    Console.Error.WriteLine($"unknown option {args[i]}; usage: e2e [--transfers N] [--incremental N] [--json|--no-json] [--dir DIR]");
                    return 2;
            }
        }
        if (incremental < 0) incremental = Math.Min(transfers, 1_000_000);
        bool withJson = json ?? transfers <= 2_000_000;
        Directory.CreateDirectory(root);
        try
        {
            Machine();
            Console.WriteLine($"load average at the start: {LoadAverage()}");
            var source = new SyntheticTransfers(transfers);
            Console.WriteLine($"transfers: {transfers:N0}, {source.PerBlock} per block, address pool {source.Addresses:N0} (power-law picks), one tx per transfer");
            var rows = new List<Row>();

            using (var warm = ChainTraceStore.Open(Path.Combine(root, "warm-up"))) warm.ConfigureTokens([], false); // loads the native library (about a second, once per process)
            DeleteStore(Path.Combine(root, "warm-up"));

            Mark();
            var sw = Stopwatch.StartNew();
            var counting = new CountingSink();
            source.Push(counting, 0, transfers);
            rows.Add(new Row("generator only (no store)", transfers, sw.Elapsed, CpuSinceMark()));

            Mark();
            var bulk = Index(Path.Combine(root, "bulk"), source, transfers, IndexMode.Bulk, out var bulkSummary, out var flush);
            rows.Add(new Row("bulk, fed to the writer (no decoding)", transfers, bulk, CpuSinceMark(), $"of which {flush.TotalSeconds:0.00} s sort+SST+ingest after the last event"));

            var (raw, rawCpu, rawEntries) = RawIngest(Path.Combine(root, "bulk"), Path.Combine(root, "raw"));
            rows.Add(new Row("raw SST write+ingest of the same keys", transfers, raw, rawCpu, $"{rawEntries:N0} pre-sorted entries (out, in, transfers, addresses, address_ids, txs, blocks)"));

            Size(Path.Combine(root, "bulk"), transfers);
            DeleteStore(Path.Combine(root, "raw"));
            DeleteStore(Path.Combine(root, "bulk"));

            Mark();
            var inc = Index(Path.Combine(root, "inc"), source, incremental, IndexMode.Incremental, out _, out _);
            rows.Add(new Row("incremental, fed to the writer (no decoding)", incremental, inc, CpuSinceMark()));
            Console.WriteLine("incremental store:");
            Size(Path.Combine(root, "inc"), incremental);
            DeleteStore(Path.Combine(root, "inc"));

            if (withJson)
            {
                string file = Path.Combine(root, "logs.jsonl");
                sw.Restart();
                long bytes = GetLogsWriter.Write(file, source, transfers);
                Console.WriteLine($"wrote {file}: {bytes / 1e6:0} MB in {sw.Elapsed.TotalSeconds:0.0} s ({bytes / (double)transfers:0} bytes per log)");
                Mark();
                var decode = Decode(file);
                rows.Add(new Row("decode only (eth_getLogs JSONL → counting sink)", transfers, decode, CpuSinceMark(), $"{bytes / decode.TotalSeconds / 1e6:0} MB/s"));
                Mark();
                var jsonBulk = IndexFile(Path.Combine(root, "jbulk"), file, IndexMode.Bulk);
                rows.Add(new Row("bulk from eth_getLogs JSONL (end to end)", transfers, jsonBulk, CpuSinceMark()));
                DeleteStore(Path.Combine(root, "jbulk"));
                if (incremental < transfers)
                {
                    string small = Path.Combine(root, "logs-inc.jsonl");
                    GetLogsWriter.Write(small, source, incremental);
                    File.Delete(file);
                    file = small;
                }
                Mark();
                var jsonInc = IndexFile(Path.Combine(root, "jinc"), file, IndexMode.Incremental);
                rows.Add(new Row("incremental from eth_getLogs JSONL (end to end)", incremental, jsonInc, CpuSinceMark()));
                DeleteStore(Path.Combine(root, "jinc"));
            }

            Console.WriteLine();
            Console.WriteLine("| run | transfers | wall s | transfers/s | CPU s (all threads) | CPU µs/transfer | note |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---|");
            foreach (var r in rows)
                Console.WriteLine($"| {r.What} | {r.Transfers:N0} | {r.Time.TotalSeconds:0.00} | {r.Rate:N0} | {r.Cpu.TotalSeconds:0.00} | {r.Cpu.TotalMilliseconds * 1000 / r.Transfers:0.00} | {r.Note} |");
            var bulkRow = rows[1];
            var rawRow = rows[2];
            Console.WriteLine();
            Console.WriteLine($"bulk / raw SST ingest: {bulkRow.Rate / rawRow.Rate:P0} by wall time, {rawRow.Cpu / bulkRow.Cpu:P0} by CPU time (target ≥ 50%)");
            Console.WriteLine($"load average at the end: {LoadAverage()}");
            return 0;
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); }
            catch (IOException) { }
        }
    }

    /// <summary>The writer alone on this thread (no pipeline, no decoding): for profiling.</summary>
    private static int WriterOnly(long transfers, bool bulk)
    {
        string path = Path.Combine(Path.GetTempPath(), "ct-writer-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var source = new SyntheticTransfers(transfers);
            using var store = ChainTraceStore.Open(path);
            store.ConfigureTokens([], false);
            var settings = WriterSettings.Default;
            using var core = new IndexCore(store, meta => bulk ? new BulkTarget(store, meta, settings) : new BatchTarget(store, meta, settings), settings);
            core.BeginFile("synthetic");
            var cpu = System.Diagnostics.Process.GetCurrentProcess();
            var t0 = cpu.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            source.Push(core, 0, transfers);
            cpu.Refresh();
            var t1 = cpu.TotalProcessorTime;
            Console.WriteLine($"feed: {sw.Elapsed.TotalSeconds:0.00} s wall, {(t1 - t0).TotalSeconds:0.00} s cpu");
            sw.Restart();
            core.Complete();
            cpu.Refresh();
            Console.WriteLine($"commit: {sw.Elapsed.TotalSeconds:0.00} s wall, {(cpu.TotalProcessorTime - t1).TotalSeconds:0.00} s cpu");
            return 0;
        }
        finally
        {
            DeleteStore(path);
        }
    }

    private static void Machine()
    {
        string cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?"
            : "?";
        var gc = GC.GetGCMemoryInfo();
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores ({cpu}), {gc.TotalAvailableMemoryBytes / (1L << 30)} GiB, {Environment.OSVersion}, .NET {Environment.Version}, RocksDbSharp {typeof(RocksDb).Assembly.GetName().Version}");
    }

    private static TimeSpan Index(string path, SyntheticTransfers source, long transfers, IndexMode mode, out IndexSummary summary, out TimeSpan afterLastEvent)
    {
        using var store = ChainTraceStore.Open(path);
        var fed = Stopwatch.StartNew();
        TimeSpan feedDone = default;
        var indexSource = new IndexSource("synthetic", transfers * 600, (sink, _, _) =>
        {
            const long Slice = 1 << 16;
            for (long at = 0; at < transfers; at += Slice) source.Push(sink, at, Math.Min(Slice, transfers - at));
            feedDone = fed.Elapsed;
            return Task.CompletedTask;
        });
        var sw = Stopwatch.StartNew();
        summary = new Indexer(store).IndexSourcesAsync([indexSource], new IndexOptions { Mode = mode }, null, CancellationToken.None).GetAwaiter().GetResult();
        var elapsed = sw.Elapsed;
        afterLastEvent = elapsed - feedDone;
        if (summary.TransfersStored != transfers) throw new InvalidOperationException($"stored {summary.TransfersStored} of {transfers}");
        Console.WriteLine($"{mode}: {transfers:N0} transfers in {elapsed.TotalSeconds:0.00} s, {store.AddressCount:N0} addresses");
        return elapsed;
    }

    private static TimeSpan IndexFile(string path, string file, IndexMode mode)
    {
        using var store = ChainTraceStore.Open(path);
        var sw = Stopwatch.StartNew();
        var summary = new Indexer(store).IndexAsync([file], new IndexOptions { Mode = mode }).GetAwaiter().GetResult();
        Console.WriteLine($"{mode} from JSON: {summary.TransfersStored:N0} transfers in {sw.Elapsed.TotalSeconds:0.00} s");
        return sw.Elapsed;
    }

    private static TimeSpan Decode(string file)
    {
        var planned = ChainFileReader.Plan([file]);
        var sink = new CountingSink();
        var sw = Stopwatch.StartNew();
        ChainFileReader.ReadAsync(planned[0], sink, new DecodeOptions(), new EtlContext()).GetAwaiter().GetResult();
        return sw.Elapsed;
    }

    /// <summary>Copies the bulk store's large families into memory (pre-sorted), then times only SST writing and ingestion into a fresh store.</summary>
    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "?";

    private static (TimeSpan Time, TimeSpan Cpu, long Entries) RawIngest(string from, string to)
    {
        string[] families = [ColumnFamilies.Out, ColumnFamilies.In, ColumnFamilies.Transfers, ColumnFamilies.Addresses, ColumnFamilies.AddressIds, ColumnFamilies.Txs, ColumnFamilies.Blocks];
        var data = new Dictionary<string, List<(byte[] Key, byte[] Value)>>();
        using (var source = ChainTraceStore.Open(from, new StoreOptions { ReadOnly = true, CreateIfMissing = false }))
        {
            foreach (var name in families)
            {
                var list = new List<(byte[], byte[])>();
                using var it = new NativeIterator(source.Database, source.GetColumnFamily(name));
                for (it.SeekToFirst(); it.Valid; it.Next()) list.Add((it.Key.ToArray(), it.Value.ToArray()));
                data[name] = list;
            }
        }
        using var store = ChainTraceStore.Open(to);
        string dir = Path.Combine(to, "raw-sst");
        Directory.CreateDirectory(dir);
        long entries = 0;
        Mark();
        var sw = Stopwatch.StartNew();
        var files = new Dictionary<string, List<string>>();
        Parallel.ForEach(families, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, name =>
        {
            using var set = new SstFileSet(store, name, dir, 256L << 20);
            foreach (var (k, v) in data[name]) set.Put(k, v);
            var list = set.Finish();
            lock (files) files[name] = list;
        });
        var ingest = new IngestExternalFileOptions().SetMoveFiles(true);
        foreach (var name in families)
            if (files[name].Count > 0) store.Database.IngestExternalFiles([.. files[name]], ingest, store.GetColumnFamily(name));
        var elapsed = sw.Elapsed;
        var cpu = CpuSinceMark();
        foreach (var list in data.Values) entries += list.Count;
        return (elapsed, cpu, entries);
    }

    private static void Size(string path, long transfers)
    {
        using var store = ChainTraceStore.Open(path);
        var sw = Stopwatch.StartNew();
        store.Compact();
        var stats = store.GetStats();
        Console.WriteLine($"after flush + CompactRange ({sw.Elapsed.TotalSeconds:0.0} s): {stats.TotalBytes / 1e6:0.0} MB, {stats.TotalBytes / (double)transfers:0.0} bytes per transfer");
        string[] edgeData = [ColumnFamilies.Out, ColumnFamilies.In, ColumnFamilies.Transfers, ColumnFamilies.Addresses, ColumnFamilies.AddressIds];
        long edges = stats.ColumnFamilies.Where(c => edgeData.Contains(c.Name)).Sum(c => c.TotalBytes);
        Console.WriteLine($"  transfer data (out, in, transfers, addresses, address_ids): {edges / (double)transfers:0.0} bytes per transfer");
        foreach (var cf in stats.ColumnFamilies.Where(c => c.TotalBytes > 100_000).OrderByDescending(c => c.TotalBytes))
            Console.WriteLine($"  {cf.Name,-12} {cf.TotalBytes / 1e6,9:0.0} MB  {cf.TotalBytes / (double)transfers,6:0.0} B/transfer (sst {cf.SstBytes / 1e6:0.0} MB, memtable {cf.MemtableBytes / 1e6:0.0} MB)");
        PointLookups(store, transfers);
    }

    /// <summary>Random point reads on a compacted store: tx hashes, address ids, block times, last edges.</summary>
    private static void PointLookups(ChainTraceStore store, long transfers)
    {
        var rng = new Random(5);
        var source = new SyntheticTransfers(transfers);
        const int N = 100_000;
        var e = default(TokenEvent);
        var sw = Stopwatch.StartNew();
        int found = 0;
        for (int i = 0; i < N; i++)
        {
            source.Fill(rng.NextInt64(transfers), ref e);
            if (store.TryGetTxHash(e.Block, e.TxIndex, out _)) found++;
        }
        double tx = sw.Elapsed.TotalMilliseconds * 1000 / N;
        sw.Restart();
        for (int i = 0; i < N; i++)
        {
            source.Fill(rng.NextInt64(transfers), ref e);
            if (store.TryGetAddressId(e.From, out uint id) && store.TryGetLastEdge(EdgeDirection.Out, id, 1, out _)) found++;
        }
        double edge = sw.Elapsed.TotalMilliseconds * 1000 / N;
        sw.Restart();
        for (int i = 0; i < N; i++)
        {
            source.Fill(rng.NextInt64(transfers), ref e);
            if (store.TryGetBlockTimestamp(e.Block, out _)) found++;
        }
        double block = sw.Elapsed.TotalMilliseconds * 1000 / N;
        Console.WriteLine($"  random reads: TryGetTxHash {tx:0.0} µs, TryGetAddressId + TryGetLastEdge {edge:0.0} µs, TryGetBlockTimestamp {block:0.0} µs ({found:N0} hits of {3 * N:N0})");
    }

    private static void DeleteStore(string path)
    {
        try { Directory.Delete(path, recursive: true); }
        catch (IOException) { }
    }
}
