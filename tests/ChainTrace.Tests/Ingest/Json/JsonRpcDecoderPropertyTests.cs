using System.IO.Pipelines;
using System.Text;
using ChainTrace.Ingest;
using ChainTrace.Ingest.Json;
using ChainTrace.Primitives;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace ChainTrace.Tests.Ingest.Json;

/// <summary>
/// Oracle properties: on generated logs and blocks, in every layout, plain or gzip, delivered in random small reads
/// over tiny pipe segments, the fast decoder emits exactly what the JsonDocument reference decoder derives.
/// </summary>
public sealed class JsonRpcDecoderPropertyTests
{
    private static readonly Layout[] LogLayouts = Enum.GetValues<Layout>();
    private static readonly Layout[] BlockLayouts = [Layout.ResponsePerLine, Layout.Batch, Layout.Erigon, Layout.BareArray, Layout.LogPerLine];

    private sealed record Delivery(int Seed, bool Gzip, int MaxChunk, int Segment);

    private static Gen<Delivery> Deliveries =>
        from seed in Gen.Choose(0, int.MaxValue)
        from gzip in Gen.Frequency((3, Gen.Constant(false)), (1, Gen.Constant(true)))
        from chunk in Gen.Elements(1, 3, 17, 200, 5000, 1 << 20)
        from segment in Gen.Elements(16, 64, 4096)
        select new Delivery(seed, gzip, chunk, segment);

    private static async Task<List<string>> FastDecode(byte[] json, Delivery d, bool tron = false)
    {
        var sink = new RecordingSink();
        var chain = tron ? ChainProfile.Tron : ChainProfile.Ethereum;
        if (d.Gzip)
        {
            await JsonRpcDecoder.DecodeAsync(new ChunkyStream(Fixtures.Gzip(json), d.Seed, d.MaxChunk), "gen.json.gz", sink, DecodeOptions.Default, chain);
        }
        else
        {
            var pipe = PipeReader.Create(new ChunkyStream(json, d.Seed, d.MaxChunk), new StreamPipeReaderOptions(bufferSize: d.Segment, minimumReadSize: Math.Min(d.Segment, 16)));
            await JsonRpcDecoder.DecodeAsync(pipe, "gen.json", sink, DecodeOptions.Default, chain);
        }
        return sink.Lines;
    }

    [Property(MaxTest = 150)]
    public Property Logs_AnyLayoutAndDelivery_SameRecordsAsReference() =>
        Prop.ForAll((from logs in Gen.ListOf(JsonGen.Log) from layout in Gen.Elements(LogLayouts) from d in Deliveries
                     select (Logs: logs.ToArray(), Layout: layout, Delivery: d)).ToArbitrary(), input =>
        {
            var (logs, layout, delivery) = input;
            var writer = new JsonWriterGen(delivery.Seed);
            byte[] json = Encoding.UTF8.GetBytes(writer.Write(logs.Select(writer.Log).ToList(), layout));
            var expected = ReferenceDecoder.Decode(json);
            Assert.Equal(logs.Length, expected.Count); // one event or skip per log
            Assert.Equal(expected, FastDecode(json, delivery).GetAwaiter().GetResult());
        });

    [Property(MaxTest = 60)]
    public Property Logs_TronRules_SameRecordsAsReference() =>
        Prop.ForAll((from logs in Gen.ListOf(JsonGen.Log) from d in Deliveries select (Logs: logs.ToArray(), Delivery: d)).ToArbitrary(), input =>
        {
            var (logs, delivery) = input;
            var writer = new JsonWriterGen(delivery.Seed);
            byte[] json = Encoding.UTF8.GetBytes(writer.Write(logs.Select(writer.Log).ToList(), Layout.ResponsePerLine));
            // TRON timestamps are milliseconds: the reference divides them the same way only for tx infos, so drop them here.
            var expected = ReferenceDecoder.Decode(json, tron: true);
            var actual = FastDecode(json, delivery, tron: true).GetAwaiter().GetResult();
            Assert.Equal(expected.Select(StripTime), actual.Select(StripTime));
        });

    private static string StripTime(string line) => System.Text.RegularExpressions.Regex.Replace(line, @" t=\d+", "");

    [Property(MaxTest = 80)]
    public Property Blocks_AnyLayoutAndDelivery_SameRecordsAsReference() =>
        Prop.ForAll((from blocks in Gen.ListOf(JsonGen.Block) from layout in Gen.Elements(BlockLayouts) from d in Deliveries
                     select (Blocks: blocks.ToArray(), Layout: layout, Delivery: d)).ToArbitrary(), input =>
        {
            var (blocks, layout, delivery) = input;
            var writer = new JsonWriterGen(delivery.Seed);
            byte[] json = Encoding.UTF8.GetBytes(writer.Write(blocks.Select(writer.Block).ToList(), layout, blocks: true));
            var expected = ReferenceDecoder.Decode(json);
            Assert.Equal(blocks.Length + blocks.Where(b => !b.HashesOnly).Sum(b => b.Txs.Length), expected.Count);
            Assert.Equal(expected, FastDecode(json, delivery).GetAwaiter().GetResult());
        });

    [Property(MaxTest = 60)]
    public Property TronTransactionInfos_BlockOrdered_SameRecordsAsReference_UniquePositions() =>
        Prop.ForAll((from blocks in Gen.ListOf(
                         from block in Gen.Choose(1, 80_000_000)
                         from txs in Gen.ListOf(from id in JsonGen.Bytes(32) from n in Gen.Choose(0, 3) from logs in Gen.ArrayOf(JsonGen.Log, n) select (Id: id, Logs: logs))
                         select (Block: (ulong)block, Txs: txs.ToArray()))
                     from d in Deliveries
                     select (Blocks: blocks.ToArray(), Delivery: d)).ToArbitrary(), input =>
        {
            var (blocks, delivery) = input;
            var writer = new JsonWriterGen(delivery.Seed);
            var infos = blocks.SelectMany(b => b.Txs.Select(t => writer.TronInfo(b.Block, t.Id, 1_700_000_000_123L + (long)b.Block, t.Logs))).ToList();
            byte[] json = Encoding.UTF8.GetBytes("[" + string.Join(",", infos) + "]");
            var expected = ReferenceDecoder.Decode(json, tron: true);
            Assert.Equal(blocks.Sum(b => b.Txs.Sum(t => t.Logs.Length)), expected.Count);
            var sink = new RecordingSink();
            var pipe = PipeReader.Create(new ChunkyStream(json, delivery.Seed, delivery.MaxChunk), new StreamPipeReaderOptions(bufferSize: delivery.Segment, minimumReadSize: 16));
            JsonRpcDecoder.DecodeAsync(pipe, "infos.json", sink, DecodeOptions.Default, ChainProfile.Tron).GetAwaiter().GetResult();
            Assert.Equal(expected, sink.Lines);
            // Consecutive blocks of the generated list may repeat a number; positions are unique within each run of one block.
            var positions = new HashSet<(int Run, uint Tx, uint Log)>();
            int run = 0;
            ulong? last = null;
            foreach (var e in sink.Events)
            {
                if (e.Block != last) { run++; last = e.Block; }
                Assert.True(positions.Add((run, e.TxIndex, e.LogIndex)), $"duplicate position {e.Block}/{e.TxIndex}/{e.LogIndex}");
            }
        });

    [Fact]
    public async Task Logs_SplitAtEveryByte_SameRecordsAsWhole()
    {
        var logs = JsonGen.Log.Sample(7, new Rnd(42), 20).ToArray();
        var writer = new JsonWriterGen(7);
        foreach (var layout in new[] { Layout.ResponsePerLine, Layout.SingleResponsePretty })
        {
            byte[] json = Encoding.UTF8.GetBytes(writer.Write(logs.Select(writer.Log).ToList(), layout));
            var expected = ReferenceDecoder.Decode(json);
            Assert.Equal(7, expected.Count);
            for (int split = 0; split <= json.Length; split++)
            {
                var sink = new RecordingSink();
                await JsonRpcDecoder.DecodeAsync(new SplitStream(json, split), "split.json", sink, DecodeOptions.Default);
                Assert.Equal(expected, sink.Lines);
            }
        }
    }

    [Fact]
    public async Task Decode_ManyLogs_AllocatesNothingPerLog()
    {
        static byte[] Jsonl(int n)
        {
            var writer = new JsonWriterGen(3);
            var logs = JsonGen.Log.Sample(n, new Rnd(11), 20);
            Assert.Equal(n, logs.Length);
            return Encoding.UTF8.GetBytes(writer.Write(logs.Select(writer.Log).ToList(), Layout.ResponsePerLine));
        }
        static async Task<long> Allocated(byte[] json)
        {
            var sink = new CountingSink();
            using var stream = new MemoryStream(json);
            long before = GC.GetAllocatedBytesForCurrentThread();
            await JsonRpcDecoder.DecodeAsync(stream, "mem.json", sink, DecodeOptions.Default);
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
        byte[] small = Jsonl(2_000);
        byte[] large = [.. Enumerable.Repeat(small, 10).SelectMany(b => b)]; // JSON lines: 20,000 logs
        await Allocated(small); // warm up (tiering, static data)
        long a = await Allocated(small), b = await Allocated(large);
        // 18,000 more logs: allow a few pipe segments more, but not one allocation per log.
        Assert.True(b - a < 18_000, $"2,000 logs: {a} B, 20,000 logs: {b} B allocated");
    }
}
